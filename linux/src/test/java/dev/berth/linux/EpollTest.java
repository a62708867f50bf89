package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Epoll, EventFd and FifoReader on real descriptors; none needs root. */
class EpollTest {
    @TempDir
    Path dir;

    private final Epoll epoll = openEpoll();
    private final Epoll.Ready ready = new Epoll.Ready(8);

    private static Epoll openEpoll() {
        try {
            return Epoll.open();
        } catch (ErrnoException e) {
            throw new AssertionError(e);
        }
    }

    @AfterEach
    void close() {
        epoll.close();
    }

    @Test
    void aSignalledEventFdIsReportedWithItsTokenAndCountsItsSignals() throws Exception {
        try (EventFd quiet = EventFd.open(); EventFd loud = EventFd.open()) {
            epoll.add(quiet.descriptor(), Epoll.IN, 1L);
            epoll.add(loud.descriptor(), Epoll.IN, 0x1234_5678_9abcL);
            assertThat(epoll.await(ready, 0)).isZero();

            loud.signal();
            loud.signal();

            assertThat(epoll.await(ready, 5_000)).isEqualTo(1);
            assertThat(ready.token(0)).isEqualTo(0x1234_5678_9abcL);
            assertThat(ready.events(0) & Epoll.IN).isNotZero();
            assertThat(loud.take()).isEqualTo(2);
            assertThat(loud.take()).isZero(); // reset by the read, and the read did not block
            assertThat(quiet.take()).isZero();
            assertThat(epoll.await(ready, 0)).isZero();
        }
    }

    @Test
    void aOneshotDescriptorIsReportedOnceUntilRearmed() throws Exception {
        try (EventFd e = EventFd.open()) {
            epoll.add(e.descriptor(), Epoll.IN | Epoll.ONESHOT, 7L);
            e.signal();
            assertThat(epoll.await(ready, 5_000)).isEqualTo(1);
            // still readable, but out of the set until rearmed
            assertThat(epoll.await(ready, 0)).isZero();

            epoll.rearm(e.descriptor(), Epoll.IN | Epoll.ONESHOT, 8L);

            assertThat(epoll.await(ready, 5_000)).isEqualTo(1);
            assertThat(ready.token(0)).isEqualTo(8L);
        }
    }

    @Test
    void aRemovedDescriptorIsNoLongerReportedAndRemovingItTwiceIsAnError() throws Exception {
        try (EventFd e = EventFd.open()) {
            epoll.add(e.descriptor(), Epoll.IN, 1L);
            epoll.remove(e.descriptor());
            e.signal();
            assertThat(epoll.await(ready, 0)).isZero();
            assertThatThrownBy(() -> epoll.remove(e.descriptor()))
                    .isInstanceOf(ErrnoException.class)
                    .hasMessageContaining("no such file or directory");
        }
    }

    @Test
    void aFifoIsReadWithoutBlockingAndReportsWhatItHolds() throws Exception {
        Path path = dir.resolve("out");
        FileNodes.mkfifo(path, 0600);
        try (FifoReader fifo = FifoReader.open(path)) {
            epoll.add(fifo.descriptor(), Epoll.IN, 3L);
            byte[] buffer = new byte[4];
            assertThat(fifo.read(buffer)).isZero(); // empty: no writer yet, and no blocking either
            assertThat(epoll.await(ready, 0)).isZero();

            try (var writer = new java.io.FileOutputStream(path.toFile())) {
                writer.write("hello".getBytes());
            }

            assertThat(epoll.await(ready, 5_000)).isEqualTo(1);
            assertThat(ready.token(0)).isEqualTo(3L);
            assertThat(fifo.available()).isEqualTo(5);
            assertThat(fifo.read(buffer)).isEqualTo(4);
            assertThat(new String(buffer, 0, 4)).isEqualTo("hell");
            assertThat(fifo.read(buffer)).isEqualTo(1);
            assertThat((char) buffer[0]).isEqualTo('o');
            // the writer has gone; holding a write end ourselves, we see an empty pipe, not its end
            assertThat(fifo.read(buffer)).isZero();
            assertThat(fifo.available()).isZero();
            assertThat(epoll.await(ready, 0)).isZero();
        }
    }

    @Test
    void aMissingFifoIsAnErrorNamingIt() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> FifoReader.open(missing))
                .isInstanceOf(ErrnoException.class)
                .hasMessage("open " + missing + ": no such file or directory");
    }

    @Test
    void aClosedWrapperRefusesItsDescriptor() throws Exception {
        EventFd e = EventFd.open();
        e.close();
        e.close(); // twice is harmless
        assertThatThrownBy(e::descriptor).isInstanceOf(IllegalStateException.class);
    }
}
