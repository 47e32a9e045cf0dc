package dev.tocsin.channel.email;

/**
 * What a provider said about one send. retryable distinguishes "try again later" (4xx, connection
 * trouble) from "this will never work" (5xx user unknown).
 */
public record SendResult(long deliveryId, boolean ok, boolean retryable, String providerMessageId, String response) {

    public static SendResult sent(long deliveryId, String messageId, String response) {
        return new SendResult(deliveryId, true, false, messageId, response);
    }

    public static SendResult retry(long deliveryId, String response) {
        return new SendResult(deliveryId, false, true, null, response);
    }

    public static SendResult fail(long deliveryId, String response) {
        return new SendResult(deliveryId, false, false, null, response);
    }
}
