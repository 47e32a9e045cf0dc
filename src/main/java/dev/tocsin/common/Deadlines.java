package dev.tocsin.common;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.OffsetDateTime;
import java.util.Comparator;
import java.util.List;

/**
 * The clocks that start when a breach is discovered (GDPR's 72 hours to the regulator, 30 days to the people
 * in many US states; configurable): when each falls due and whether the notices were out in time. A deadline
 * is met when the last reachable person's notice was sent before it.
 */
@ApplicationScoped
public class Deadlines {

    /** status: "met", "missed" (due and not met in time), or "open" (not due yet, not met yet). */
    public record Deadline(String name, OffsetDateTime dueAt, boolean met, OffsetDateTime metAt, String status) {
    }

    @Inject
    DeadlineConfig config;

    /** lastNoticeSent: when the last notice went out, once nothing waited any more; null while notices wait. */
    public List<Deadline> of(OffsetDateTime discoveredAt, OffsetDateTime lastNoticeSent, OffsetDateTime now) {
        if (discoveredAt == null) {
            return List.of();
        }
        return config.deadlines().entrySet().stream()
                .map(e -> {
                    OffsetDateTime due = discoveredAt.plus(e.getValue());
                    boolean met = lastNoticeSent != null && !lastNoticeSent.isAfter(due);
                    String status = met ? "met" : (lastNoticeSent != null || now.isAfter(due)) ? "missed" : "open";
                    return new Deadline(e.getKey(), due, met, lastNoticeSent, status);
                })
                .sorted(Comparator.comparing(Deadline::dueAt))
                .toList();
    }
}
