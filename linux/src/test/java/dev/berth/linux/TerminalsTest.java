package dev.berth.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A terminal held by another process (a shell under {@code script(1)}, which gives it a pty) resized through its path. */
class TerminalsTest {
    private static final int ENOTTY = 25;

    @TempDir
    Path dir;

    @Test
    void aResizeThroughTheHoldersPathSetsTheSizeAndSignalsTheForegroundProcess() throws Exception {
        Path winched = dir.resolve("winched");
        Path ready = dir.resolve("ready");
        String shell = "trap 'stty size > " + winched + "' WINCH; touch " + ready + "; while :; do sleep 0.1; done";
        Process script = new ProcessBuilder("script", "-qfec", "sh -c \"" + shell + "\"", "/dev/null")
                .redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile()).start();
        try {
            ProcessHandle sh = awaitShell(script, ready);
            Path tty = Path.of("/proc/" + sh.pid() + "/fd/0");

            Terminals.resize(tty, 33, 99);

            assertThat(Terminals.size(tty)).isEqualTo(new Terminals.WindowSize(33, 99));
            for (int i = 0; i < 200 && !(Files.exists(winched) && Files.size(winched) > 0); i++) {
                Thread.sleep(50);
            }
            assertThat(winched).hasContent("33 99");
        } finally {
            script.descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void whatIsNoTerminalIsRefusedWithEnotty() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "not a terminal\n");
        assertThatThrownBy(() -> Terminals.resize(file, 10, 10)).isInstanceOfSatisfying(ErrnoException.class,
                e -> {
                    assertThat(e.errno()).isEqualTo(ENOTTY);
                    assertThat(e.getMessage()).startsWith("set the window size of " + file + ": ");
                });
        assertThatThrownBy(() -> Terminals.size(dir.resolve("missing"))).isInstanceOfSatisfying(ErrnoException.class,
                e -> assertThat(e.errno()).isEqualTo(ErrnoException.ENOENT));
    }

    /** The shell that {@code script} started, once it has set its trap. */
    private static ProcessHandle awaitShell(Process script, Path ready) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            Optional<ProcessHandle> sh = script.descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/sh") || c.endsWith("/dash")).orElse(false))
                    .findFirst();
            if (sh.isPresent() && Files.exists(ready)) {
                return sh.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the shell under script(1) did not start");
    }
}
