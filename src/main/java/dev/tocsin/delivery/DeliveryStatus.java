package dev.tocsin.delivery;

import java.util.List;

/**
 * queued -> sending -> sent -> delivered | bounced | undeliverable | failed, plus cancelled; complained: the
 * recipient reached it and reported it as spam (from sent or delivered).
 */
public enum DeliveryStatus {
    QUEUED, SENDING, SENT, DELIVERED, BOUNCED, COMPLAINED, UNDELIVERABLE, FAILED, CANCELLED;

    /** The keys of the stats answer, in the order API.md lists them. */
    public static final List<DeliveryStatus> ALL = List.of(values());

    public String key() {
        return name().toLowerCase();
    }
}
