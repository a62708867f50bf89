package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DownloadSlotsTest {

    @Test
    void slotsGoOutInTurnOrderWhateverOrderTheyAreAskedIn() throws Exception {
        DownloadSlots slots = new DownloadSlots(1);
        List<Integer> granted = new CopyOnWriteArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new java.util.ArrayList<>();
            for (int turn = 4; turn >= 1; turn--) { // the later turns ask first
                int t = turn;
                done.add(threads.submit(() -> {
                    slots.acquire(t);
                    granted.add(t);
                    slots.release();
                    return null;
                }));
            }
            Thread.sleep(50);
            assertThat(granted).isEmpty(); // turn 0 has not come yet
            assertThat(slots.tryAcquire(0)).isTrue();
            slots.release();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.SECONDS);
            }
        }
        assertThat(granted).containsExactly(1, 2, 3, 4);
    }

    @Test
    void atMostTheLimitAtOnce() throws Exception {
        DownloadSlots slots = new DownloadSlots(2);
        assertThat(slots.tryAcquire(0)).isTrue();
        assertThat(slots.tryAcquire(1)).isTrue();
        assertThat(slots.tryAcquire(2)).isFalse(); // full
        slots.release();
        assertThat(slots.tryAcquire(3)).isFalse(); // not its turn
        assertThat(slots.tryAcquire(2)).isTrue();
    }
}
