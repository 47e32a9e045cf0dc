package dev.tocsin.common;

/** One wrong field in a request body: which one, and why. */
public record FieldError(String field, String reason) {
}
