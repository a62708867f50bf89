package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Pidfds on real processes. None needs root: the processes are the test's own, or their
 * children. Every process started is killed by its handle or through its pidfd afterwards,
 * never by name.
 */
class PidfdTest {
    private final List<Process> started = new ArrayList<>();
    private final List<Pidfd> opened = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (Pidfd p : opened) {
            try {
                p.sendSignal(Signals.SIGKILL);
            } catch (ErrnoException | IllegalStateException e) {
                // already gone, or closed by the test
            }
            p.close();
        }
        for (Process p : started) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aSignalledChildIsSeenToExit() throws Exception {
        Process sleep = start("sleep", "30");
        Pidfd pidfd = open((int) sleep.pid());
        assertThat(pidfd.pid()).isEqualTo(sleep.pid());
        assertThat(pidfd.descriptor()).isNotNegative();
        assertThat(pidfd.isAlive()).isTrue();
        assertThat(pidfd.awaitExit(Duration.ofMillis(100))).isFalse();

        pidfd.sendSignal(Signals.SIGTERM);

        assertThat(pidfd.awaitExit(Duration.ofSeconds(5))).isTrue();
        assertThat(pidfd.isAlive()).isFalse();
        assertThat(pidfd.awaitExit(null)).isTrue(); // stays readable
        assertThat(sleep.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(sleep.exitValue()).isEqualTo(128 + Signals.SIGTERM); // Java's spelling of "killed by signal 15"
    }

    @Test
    void aNonChildCanBeWatchedAndKilled() throws Exception {
        // sh starts sleep in the background, prints its pid and exits: sleep is reparented away from us
        Process sh = start("sh", "-c", "sleep 30 >/dev/null 2>&1 & echo $!");
        int grandchild;
        try (var out = new BufferedReader(new InputStreamReader(sh.getInputStream(), StandardCharsets.US_ASCII))) {
            grandchild = Integer.parseInt(out.readLine().trim());
        }
        Pidfd pidfd = open(grandchild); // sleep runs for 30 s, so the pid is still its own here
        assertThat(sh.waitFor(5, TimeUnit.SECONDS)).isTrue();
        assertThat(ProcessHandle.current().children().mapToLong(ProcessHandle::pid)).doesNotContain((long) grandchild);
        assertThat(pidfd.isAlive()).isTrue();

        pidfd.sendSignal(Signals.SIGKILL);

        assertThat(pidfd.awaitExit(Duration.ofSeconds(5))).isTrue();
        assertThat(pidfd.isAlive()).isFalse();
    }

    @Test
    void awaitExitWorksFromAVirtualThread() throws Exception {
        Process sleep = start("sleep", "30");
        Pidfd pidfd = open((int) sleep.pid());
        boolean[] exited = new boolean[1];
        Thread waiter = Thread.ofVirtual().start(() -> {
            try {
                exited[0] = pidfd.awaitExit(Duration.ofSeconds(5));
            } catch (ErrnoException e) {
                throw new AssertionError(e);
            }
        });
        pidfd.sendSignal(Signals.SIGKILL);
        assertThat(waiter.join(Duration.ofSeconds(10))).isTrue();
        assertThat(exited[0]).isTrue();
    }

    @Test
    void aPidWithNoProcessIsNamed() throws Exception {
        // pid_max itself is never handed out (pids run from 1 to pid_max - 1), so this pid cannot be reused
        int pid = pidMax();
        assertThatThrownBy(() -> Pidfd.open(pid)).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.errno()).isEqualTo(ErrnoException.ESRCH))
                .hasMessage("pidfd_open " + pid + ": no such process");
    }

    @Test
    void aReapedProcessRefusesSignals() throws Exception {
        Process sleep = start("sleep", "30");
        Pidfd pidfd = open((int) sleep.pid());
        sleep.destroyForcibly();
        assertThat(sleep.waitFor(5, TimeUnit.SECONDS)).isTrue(); // reaped by the JVM once waitFor returns
        assertThat(pidfd.awaitExit(Duration.ZERO)).isTrue();
        assertThatThrownBy(() -> pidfd.sendSignal(Signals.SIGTERM)).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.errno()).isEqualTo(ErrnoException.ESRCH))
                .hasMessage("pidfd_send_signal TERM to pid " + sleep.pid() + ": no such process");
    }

    @Test
    void aClosedPidfdIsRefused() throws Exception {
        Process sleep = start("sleep", "30");
        Pidfd pidfd = Pidfd.open((int) sleep.pid());
        pidfd.close();
        pidfd.close(); // twice is fine
        String closed = "pidfd for pid " + sleep.pid() + " closed";
        assertThatThrownBy(pidfd::isAlive).isInstanceOf(IllegalStateException.class).hasMessage(closed);
        assertThatThrownBy(() -> pidfd.awaitExit(Duration.ofSeconds(1))).isInstanceOf(IllegalStateException.class)
                .hasMessage(closed);
        assertThatThrownBy(() -> pidfd.sendSignal(Signals.SIGTERM)).isInstanceOf(IllegalStateException.class)
                .hasMessage(closed);
        assertThatThrownBy(pidfd::descriptor).isInstanceOf(IllegalStateException.class).hasMessage(closed);
        assertThat(sleep.isAlive()).isTrue(); // closing a pidfd does nothing to its process
    }

    @Test
    void theSyscallFallbackMatchesGlibc() throws Throwable {
        // this glibc has pidfd_open, so Pidfd.open never takes the fallback: call it directly
        MethodHandle open = LibC.syscallHandle(434, FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
        Process sleep = start("sleep", "30");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            int fd = (int) open.invokeExact(state, (int) sleep.pid(), 0);
            assertThat(fd).isNotNegative();
            Pidfd pidfd = new Pidfd((int) sleep.pid(), fd);
            opened.add(pidfd);
            assertThat(pidfd.isAlive()).isTrue();

            int missing = pidMax();
            assertThat((int) open.invokeExact(state, missing, 0)).isEqualTo(-1);
            assertThat(LibC.errno(state)).isEqualTo(ErrnoException.ESRCH);
        }
    }

    /**
     * {@code /proc/sys/kernel/pid_max}, read in one read(2): a numeric sysctl answers only a read
     * at offset 0, and {@code Files.readString} (JDK 25) probes a file of size 0 with a one-byte
     * read first, so it would see "3" for 32768.
     */
    private static int pidMax() throws IOException {
        try (var in = new FileInputStream("/proc/sys/kernel/pid_max")) {
            byte[] buf = new byte[32];
            int n = in.read(buf);
            return Integer.parseInt(new String(buf, 0, n, StandardCharsets.US_ASCII).trim());
        }
    }

    private Process start(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        started.add(p);
        return p;
    }

    private Pidfd open(int pid) throws ErrnoException {
        Pidfd p = Pidfd.open(pid);
        opened.add(p);
        return p;
    }
}
