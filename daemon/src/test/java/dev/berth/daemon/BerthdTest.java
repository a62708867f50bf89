package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up failures, in-process: one line, {@code berthd: <what>: <why>}, exit code 1. */
class BerthdTest {
    @TempDir
    Path dir;

    private record Outcome(int code, String err) {}

    private Outcome run(String... args) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = Berthd.run(new PrintStream(buf, true, StandardCharsets.UTF_8), args);
        return new Outcome(code, buf.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unknownFlag() {
        Outcome o = run("--bogus");
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("berthd: unknown option: '--bogus'\n");
    }

    @Test
    void badHost() {
        Outcome o = run("-H", "udp://x", "--data-root", dir.resolve("d").toString(), "--exec-root", dir.resolve("e").toString());
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("berthd: -H udp://x: unknown scheme udp://; use unix:// or tcp://\n");
    }

    @Test
    void badConfigFile() throws Exception {
        Path f = Files.writeString(dir.resolve("daemon.json"), "{\"nope\": 1}");
        Outcome o = run("--config-file", f.toString());
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.err()).isEqualTo("berthd: config file " + f
                + ": the following directives don't match any configuration option: nope\n");
    }

    @Test
    void missingOptionValue() {
        Outcome o = run("--data-root");
        assertThat(o.code()).isEqualTo(1);
        assertThat(o.err()).startsWith("berthd: missing required parameter for option '--data-root'");
        assertThat(o.err().lines().count()).isEqualTo(1);
    }
}
