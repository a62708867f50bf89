package dev.berth.image.registry;

import java.time.Duration;

/**
 * How often and how patiently a request is repeated after a 5xx answer, a 429 or a broken
 * connection: {@code maxAttempts} tries in all, waiting {@code initialDelay}, then twice that,
 * and so on up to {@code maxDelay}. Docker retries a layer download five times; so does the
 * default here. Client errors (4xx) are never retried: asking again will not change the answer.
 */
public record RetryPolicy(int maxAttempts, Duration initialDelay, Duration maxDelay) {
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(10));
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
    }

    /** The wait before attempt {@code attempt + 1}, after {@code attempt} failures (1-based). */
    public Duration delayAfter(int attempt) {
        long millis = initialDelay.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxDelay.toMillis()));
    }

    /** Whether an HTTP status is worth another try. */
    static boolean retryable(int status) {
        return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    void sleepAfter(int attempt) throws InterruptedException {
        sleepAfter(attempt, Countdown.SILENT);
    }

    /**
     * Waits out the backoff after {@code attempt} failures, telling {@code countdown} at each
     * whole second how many are left, as dockerd counts down {@code Retrying in 5 seconds}; a
     * wait under a second is told as one second.
     */
    void sleepAfter(int attempt, Countdown countdown) throws InterruptedException {
        long left = delayAfter(attempt).toMillis();
        while (left > 0) {
            long seconds = (left + 999) / 1000;
            countdown.secondsLeft(seconds);
            long step = left - (seconds - 1) * 1000; // to the next whole second left
            Thread.sleep(step);
            left -= step;
        }
    }

    /** Who watches a backoff: a layer's progress line shows it, a manifest request tells no one. */
    @FunctionalInterface
    interface Countdown {
        Countdown SILENT = seconds -> {};

        void secondsLeft(long seconds);
    }
}
