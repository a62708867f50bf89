package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backoff's shape and its countdown, which a layer's progress line shows as dockerd's does. */
class RetryPolicyTest {
    @Test
    void theDelayDoublesUpToItsCeiling() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(3));
        assertThat(List.of(1, 2, 3, 4, 5)).map(policy::delayAfter).containsExactly(Duration.ofMillis(500),
                Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(3));
    }

    @Test
    void aBackoffIsCountedDownInWholeSecondsRoundedUp() throws Exception {
        List<Long> told = new ArrayList<>();
        new RetryPolicy(2, Duration.ofMillis(1200), Duration.ofSeconds(10)).sleepAfter(1, told::add);
        assertThat(told).containsExactly(2L, 1L);
    }

    @Test
    void noBackoffTellsNothing() throws Exception {
        List<Long> told = new ArrayList<>();
        RetryPolicy.NONE.sleepAfter(1, told::add);
        assertThat(told).isEmpty();
    }
}
