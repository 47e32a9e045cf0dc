package dev.tocsin.delivery;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A broker message carries a batch of delivery ids as text ("12,13,14"): small, and readable in the broker UI. */
public final class DeliveryBatches {

    private DeliveryBatches() {
    }

    public static String encode(List<Long> ids) {
        return ids.stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    public static List<Long> decode(String payload) {
        List<Long> ids = new ArrayList<>();
        if (payload == null || payload.isBlank()) {
            return ids;
        }
        for (String part : payload.split(",")) {
            String trimmed = part.strip();
            if (!trimmed.isEmpty()) {
                ids.add(Long.parseLong(trimmed));
            }
        }
        return ids;
    }
}
