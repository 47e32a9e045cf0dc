package dev.tocsin.common;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The times Tocsin takes: from 1970 to a year from now. Outside it a value is a typo (year 999999999), and the
 * databases cannot store all of them (PostgreSQL ends in year 294276): refused with a 400, not a 500.
 */
public final class TimeWindow {

    public static final OffsetDateTime EARLIEST = OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
    public static final Duration LATEST_AHEAD = Duration.ofDays(366);

    private TimeWindow() {
    }

    /** Null if the time is within the window, else the reason to give for the field. */
    public static String problem(OffsetDateTime time) {
        if (time == null) {
            return null;
        }
        if (time.isBefore(EARLIEST)) {
            return "is before 1970: check the year";
        }
        if (time.isAfter(OffsetDateTime.now().plus(LATEST_AHEAD))) {
            return "is more than a year from now: check the year";
        }
        return null;
    }
}
