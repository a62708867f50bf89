package dev.berth.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path root;

    @Test
    void everyCommandIsFoundByItsNameAndAliases() {
        for (String name : Main.NAMES) {
            assertThat(Main.command(name).spec().name()).isEqualTo(name);
        }
        assertThat(Main.command("ls")).isInstanceOf(ListCommand.class);
        assertThat(Main.command("list").spec().aliases()).containsExactly("ls");
        assertThat(Main.command("checkpoint")).isNull();
    }

    @Test
    void theCommandNameIsFoundBehindGlobalOptions() {
        assertThat(Main.commandName("--root", "/r", "--debug", "--log-format", "json", "run", "-b", "x", "id"))
                .isEqualTo("run");
        assertThat(Main.commandName("--debug")).isNull();
    }

    @Test
    void optionsReachTheCommandWithTheirDefaults() {
        Out out = Out.capture();
        int code;
        try {
            code = Main.execute("--root", root.toString(), "list", "--format", "json");
        } finally {
            out.restore();
        }
        assertThat(code).isZero();
        assertThat(out.stdout()).isEqualTo("[]\n");
    }

    @Test
    void aBadCallIsOneLineAndExitCodeOne() {
        Out out = Out.capture();
        int missing;
        int unknown;
        try {
            missing = Main.execute("--root", root.toString(), "kill");
            unknown = Main.execute("--root", root.toString(), "delete", "--frobnicate", "x");
        } finally {
            out.restore();
        }
        assertThat(missing).isEqualTo(1);
        assertThat(unknown).isEqualTo(1);
        assertThat(out.stderr().lines()).containsExactly(
                "berth-runtime: missing required parameter: '<container-id>'",
                "berth-runtime: unknown option: '--frobnicate'");
    }

    @Test
    void helpAndVersionExitZero() {
        Out out = Out.capture();
        int help;
        int version;
        try {
            help = Main.execute("run", "--help");
            version = Main.execute("--version");
        } finally {
            out.restore();
        }
        assertThat(help).isZero();
        assertThat(version).isZero();
        assertThat(out.stdout()).contains("Usage: berth-runtime run", "--bundle=<bundle>",
                "berth-runtime version 0.1.0");
    }

    /** System.out and System.err, captured for one test. */
    private record Out(PrintStream oldOut, PrintStream oldErr, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        static Out capture() {
            Out o = new Out(System.out, System.err, new ByteArrayOutputStream(), new ByteArrayOutputStream());
            System.setOut(new PrintStream(o.out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(o.err, true, StandardCharsets.UTF_8));
            return o;
        }

        void restore() {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }

        String stdout() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String stderr() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }
}
