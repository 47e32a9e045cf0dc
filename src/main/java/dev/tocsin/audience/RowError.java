package dev.tocsin.audience;

/** Why one line of an upload was rejected. */
public record RowError(long line, String accountId, String reason) {
}
