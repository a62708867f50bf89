package dev.berth.daemon.container;

import java.time.Duration;

/**
 * The wait before a container is started again, as dockerd's restart manager grows it: 100 ms
 * for the first restart, doubled at each following one up to one minute, and back to 100 ms
 * once a run lasted ten seconds or more, so that a container that crashes at once does not
 * spin while one that crashes now and then comes back quickly. One per container, in memory:
 * a daemon restart or a start by the user begins again at 100 ms, as in dockerd.
 */
final class RestartBackoff {
    static final Duration FIRST = Duration.ofMillis(100);
    static final Duration MAX = Duration.ofMinutes(1);
    static final Duration STABLE_RUN = Duration.ofSeconds(10);

    private Duration timeout = Duration.ZERO;

    /** The wait before the next start, after a run that lasted {@code ranFor}. */
    synchronized Duration next(Duration ranFor) {
        if (ranFor.compareTo(STABLE_RUN) >= 0) {
            timeout = Duration.ZERO;
        }
        if (timeout.isZero()) {
            timeout = FIRST;
        } else if (timeout.compareTo(MAX) < 0) {
            timeout = timeout.multipliedBy(2);
        }
        if (timeout.compareTo(MAX) > 0) {
            timeout = MAX;
        }
        return timeout;
    }
}
