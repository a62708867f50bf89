package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PidFileTest {
    @TempDir
    Path dir;

    private final long self = ProcessHandle.current().pid();

    @Test
    void writesOurPidAndRemovesItOnClose() throws Exception {
        Path p = dir.resolve("sub/berthd.pid");
        try (PidFile f = PidFile.acquire(p)) {
            assertThat(Files.readString(p)).isEqualTo(self + "\n");
            assertThat(f.path()).isEqualTo(p);
            try (var s = Files.list(p.getParent())) {
                assertThat(s).as("no temporary file left").containsExactly(p);
            }
        }
        assertThat(p).doesNotExist();
    }

    @Test
    void aLiveHolderRefusesTheStart() throws Exception {
        Path p = dir.resolve("berthd.pid");
        try (PidFile _ = PidFile.acquire(p)) {
            assertThatThrownBy(() -> PidFile.acquire(p)).isInstanceOf(StartupFailure.class)
                    .hasMessageStartingWith("pid file " + p + ": held by a running berthd (pid " + self + ")");
        }
    }

    @Test
    void aDeadPidIsStaleAndTakenOver() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path p = dir.resolve("berthd.pid");
        Files.writeString(p, dead.pid() + "\n");
        try (PidFile _ = PidFile.acquire(p)) {
            assertThat(Files.readString(p).trim()).isEqualTo(Long.toString(self));
        }
    }

    @Test
    void aLiveProcessThatIsNotBerthdIsStaleToo() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            Path p = dir.resolve("berthd.pid");
            Files.writeString(p, sleeper.pid() + "\n");
            try (PidFile _ = PidFile.acquire(p)) {
                assertThat(Files.readString(p).trim()).isEqualTo(Long.toString(self));
            }
        } finally {
            sleeper.destroy();
            sleeper.waitFor();
        }
    }

    @Test
    void garbageIsStale() throws Exception {
        Path p = dir.resolve("berthd.pid");
        Files.writeString(p, "not a pid");
        try (PidFile _ = PidFile.acquire(p)) {
            assertThat(Files.readString(p).trim()).isEqualTo(Long.toString(self));
        }
    }

    @Test
    void closeLeavesSomeoneElsesFileAlone() throws Exception {
        Path p = dir.resolve("berthd.pid");
        PidFile f = PidFile.acquire(p);
        Files.writeString(p, "12345\n");
        f.close();
        assertThat(p).exists();
    }
}
