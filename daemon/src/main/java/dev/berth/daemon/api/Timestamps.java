package dev.berth.daemon.api;

import dev.berth.daemon.http.ApiException;
import java.time.Instant;

/**
 * Times in query parameters ({@code since} and {@code until} of events and logs), in the form
 * the docker CLI sends them, which it makes from durations and dates itself.
 */
public final class Timestamps {
    private Timestamps() {}

    /**
     * A timestamp as clients send it: seconds since the epoch, optionally with a fraction
     * ({@code 1700000000.123456789}); the docker CLI turns {@code 10m} and dates into this form.
     */
    public static Instant parse(String name, String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            int dot = value.indexOf('.');
            long seconds = Long.parseLong(dot < 0 ? value : value.substring(0, dot));
            long nanos = 0;
            if (dot >= 0) {
                String frac = value.substring(dot + 1);
                if (frac.isEmpty() || frac.length() > 9 || !frac.chars().allMatch(Character::isDigit)) {
                    throw new NumberFormatException(frac);
                }
                nanos = Long.parseLong((frac + "000000000").substring(0, 9));
            }
            return Instant.ofEpochSecond(seconds, nanos);
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw ApiException.invalid("invalid value for " + name + ": " + value
                    + " (expected seconds since the epoch, such as 1700000000.5)");
        }
    }
}
