package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.linux.testing.RequiresRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OOM notifications of a real cgroup v1 memory controller: a cgroup of the test's own with an
 * 8 MiB limit (memory and memory+swap), and a process of its own that allocates past it. The
 * process is killed by its handle and the cgroup removed afterwards, also when a test fails.
 */
@RequiresRoot
class CgroupNotificationsTest {
    private static final Path MEMORY = Path.of("/sys/fs/cgroup/memory");

    private Path cgroup;
    private Process process;

    @BeforeEach
    void makeCgroup() throws Exception {
        assumeTrue(Files.exists(MEMORY.resolve("cgroup.event_control")), "this host has no cgroup v1 memory hierarchy");
        cgroup = Files.createDirectory(MEMORY.resolve("berth-test-" + UUID.randomUUID()));
        Files.writeString(cgroup.resolve("memory.limit_in_bytes"), "8M");
        if (Files.exists(cgroup.resolve("memory.memsw.limit_in_bytes"))) {
            Files.writeString(cgroup.resolve("memory.memsw.limit_in_bytes"), "8M");
        }
    }

    @AfterEach
    void removeCgroup() throws Exception {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (cgroup != null) {
            for (int i = 0; i < 100 && Files.exists(cgroup); i++) {
                try {
                    Files.delete(cgroup); // rmdir; refused while the killed process is still leaving
                } catch (java.nio.file.FileSystemException e) {
                    Thread.sleep(50);
                }
            }
        }
    }

    @Test
    void anAllocationPastTheLimitSignalsTheEventFdAndTheProcessIsKilled() throws Exception {
        try (EventFd oom = CgroupNotifications.oom(cgroup); Epoll epoll = Epoll.open()) {
            epoll.add(oom.descriptor(), Epoll.IN, 1L);
            process = inCgroup("exec tail /dev/zero");

            Epoll.Ready ready = new Epoll.Ready(1);
            assertThat(epoll.await(ready, 60_000)).as("oom notification").isEqualTo(1);
            assertThat(oom.take()).isPositive();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isEqualTo(128 + Signals.SIGKILL);
            assertThat(Files.readString(cgroup.resolve("memory.oom_control"))).containsPattern("oom_kill [1-9]");
        }
    }

    @Test
    void aProcessWithinTheLimitSignalsNothing() throws Exception {
        try (EventFd oom = CgroupNotifications.oom(cgroup)) {
            process = inCgroup("head -c 1000000 /dev/zero | wc -c");
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
            assertThat(oom.take()).isZero();
        }
    }

    @Test
    void aDirectoryThatIsNoMemoryCgroupIsAnError() {
        assertThatThrownBy(() -> CgroupNotifications.oom(Path.of("/tmp")))
                .hasMessageContaining("memory.oom_control");
    }

    /** {@code script} in a shell that first moves itself into the cgroup. */
    private Process inCgroup(String script) throws Exception {
        return new ProcessBuilder("sh", "-c", "echo $$ > " + cgroup.resolve("cgroup.procs") + " && " + script)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }
}
