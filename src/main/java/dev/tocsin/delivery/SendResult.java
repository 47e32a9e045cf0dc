package dev.tocsin.delivery;

/**
 * What a provider said about one send. RETRY is "try again later" (SMTP 4xx, HTTP 429/5xx, connection
 * trouble); FAILED and UNDELIVERABLE are final, the latter meaning this address cannot be reached at all
 * (unknown mailbox, invalid or unsubscribed number, expired push subscription). suppress asks that the
 * address never be used again. HELD is no send at all: the campaign stopped before this notice's turn, and it
 * goes back to the queue (paused) or is cancelled, as it was, its attempt not counted.
 */
public record SendResult(long deliveryId, Outcome outcome, String providerMessageId, String response, boolean suppress,
                         java.time.OffsetDateTime at, String contentSha256) {

    public enum Outcome { SENT, RETRY, FAILED, UNDELIVERABLE, HELD }

    /** When the provider answered: the proof of when a notice went out. */
    public SendResult(long deliveryId, Outcome outcome, String providerMessageId, String response, boolean suppress) {
        this(deliveryId, outcome, providerMessageId, response, suppress, java.time.OffsetDateTime.now(), null);
    }

    /**
     * The same result, with the SHA-256 (hex) of the exact bytes the provider took: the proof report shows it,
     * so a regulator can check a kept copy of the notice against what was sent.
     */
    public SendResult withContent(byte[] sentBytes) {
        return new SendResult(deliveryId, outcome, providerMessageId, response, suppress, at, Sha256.hex(sentBytes));
    }

    public boolean ok() {
        return outcome == Outcome.SENT;
    }

    public boolean retryable() {
        return outcome == Outcome.RETRY;
    }

    public static SendResult sent(long deliveryId, String messageId, String response) {
        return new SendResult(deliveryId, Outcome.SENT, messageId, response, false);
    }

    public static SendResult retry(long deliveryId, String response) {
        return new SendResult(deliveryId, Outcome.RETRY, null, response, false);
    }

    public static SendResult fail(long deliveryId, String response) {
        return new SendResult(deliveryId, Outcome.FAILED, null, response, false);
    }

    /** Not sent: its campaign was paused or cancelled before its turn. */
    public static SendResult held(long deliveryId) {
        return new SendResult(deliveryId, Outcome.HELD, null, "not sent: the campaign stopped", false);
    }

    public boolean held() {
        return outcome == Outcome.HELD;
    }

    public static SendResult undeliverable(long deliveryId, String response, boolean suppress) {
        return new SendResult(deliveryId, Outcome.UNDELIVERABLE, null, response, suppress);
    }
}
