package dev.berth.image.store;

import dev.berth.image.ImageException;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Times as Docker's filters take them ({@code until}, and {@code --since} elsewhere): a Go
 * duration counted back from now ({@code 24h}, {@code 1h30m}, {@code 90s}), a Unix timestamp
 * with optional fraction ({@code 1700000000.5}), or an RFC 3339 date or date-time, local time
 * when no zone is given (moby's {@code timetypes.GetTimestamp}).
 */
final class DockerTime {
    private static final Pattern DURATION = Pattern.compile("(?:(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h))+");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    private static final Pattern UNIX = Pattern.compile("\\d+(?:\\.\\d{1,9})?");

    private DockerTime() {}

    static Instant parse(String value, Instant now) throws ImageException {
        if (DURATION.matcher(value).matches()) {
            return now.minus(duration(value));
        }
        if (UNIX.matcher(value).matches()) {
            BigDecimal seconds = new BigDecimal(value);
            long whole = seconds.longValue();
            long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
            return Instant.ofEpochSecond(whole, nanos);
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException notOffset) {
            // fall through to the zone-less forms
        }
        try {
            return LocalDateTime.parse(value).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException notLocal) {
            // fall through
        }
        try {
            return LocalDate.parse(value).atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw ImageException.invalid("failed to parse value as time or duration: \"" + value + "\"");
        }
    }

    private static Duration duration(String value) {
        Duration total = Duration.ZERO;
        Matcher part = DURATION_PART.matcher(value);
        while (part.find()) {
            BigDecimal amount = new BigDecimal(part.group(1));
            long nanosPerUnit = switch (part.group(2)) {
                case "ns" -> 1L;
                case "us", "µs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                default -> 3_600_000_000_000L;
            };
            total = total.plusNanos(amount.multiply(BigDecimal.valueOf(nanosPerUnit)).longValue());
        }
        return total;
    }
}
