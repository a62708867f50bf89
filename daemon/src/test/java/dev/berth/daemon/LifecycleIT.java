package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.RawHttp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starting, refusing to start, and stopping: the daemon as a process. */
class LifecycleIT {
    @TempDir
    Path dir;

    @Test
    void sigtermRemovesTheSocketAndThePidFileAndExitsZero() throws Exception {
        BerthdProcess d = BerthdProcess.start(dir);
        try (d) {
            Path pid = d.execRoot.resolve("berthd.pid");
            assertThat(pid).exists();
            assertThat(d.terminate(Duration.ofSeconds(30))).isZero();
            assertThat(d.socket).doesNotExist();
            assertThat(pid).doesNotExist();
            assertThat(d.log()).contains("Daemon shutdown complete");
        }
    }

    @Test
    void sigtermEndsOpenEventStreams() throws Exception {
        try (BerthdProcess d = BerthdProcess.start(dir); RawHttp c = RawHttp.connect(d.socket)) {
            c.sendHead("GET", "/events", -1);
            assertThat(c.readHead().status()).isEqualTo(200);
            long t0 = System.nanoTime();
            assertThat(d.terminate(Duration.ofSeconds(30))).isZero();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("an event stream does not hold the daemon up")
                    .isLessThan(Duration.ofSeconds(8));
            assertThat(c.readChunk(Duration.ofSeconds(5))).as("the stream ended cleanly").isNull();
        }
    }

    @Test
    void aStalePidFileIsTakenOver() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Path pid = Files.createDirectories(dir.resolve("exec")).resolve("berthd.pid");
        Files.writeString(pid, dead.pid() + "\n");
        try (BerthdProcess d = BerthdProcess.start(dir)) {
            assertThat(Files.readString(pid).trim()).isEqualTo(Long.toString(d.pid()));
            assertThat(d.log()).contains("removing stale pid file " + pid + " (pid " + dead.pid() + " is not a running berthd)");
        }
    }

    @Test
    void aLiveDaemonsPidFileRefusesASecondOne() throws Exception {
        try (BerthdProcess first = BerthdProcess.start(dir.resolve("one"))) {
            BerthdProcess.Result second = BerthdProcess.runToExit(dir.resolve("two"), "-H",
                    "unix://" + dir.resolve("two/other.sock"), "--data-root", dir.resolve("two/data").toString(),
                    "--exec-root", dir.resolve("two/exec").toString(), "--pidfile",
                    first.execRoot.resolve("berthd.pid").toString());
            assertThat(second.exit()).isEqualTo(1);
            assertOneLine(second.output(), "berthd: pid file " + first.execRoot.resolve("berthd.pid")
                    + ": held by a running berthd (pid " + first.pid() + ")");
            assertThat(RawHttp.call(first.socket, "GET", "/_ping").text()).isEqualTo("OK");
        }
    }

    @Test
    void aSocketInUseRefusesASecondDaemon() throws Exception {
        try (BerthdProcess first = BerthdProcess.start(dir.resolve("one"))) {
            BerthdProcess.Result second = BerthdProcess.runToExit(dir.resolve("two"), "-H", "unix://" + first.socket,
                    "--data-root", dir.resolve("two/data").toString(), "--exec-root", dir.resolve("two/exec").toString());
            assertThat(second.exit()).isEqualTo(1);
            assertOneLine(second.output(), "berthd: listen unix " + first.socket + ": address already in use");
            assertThat(dir.resolve("two/exec/berthd.pid")).as("the failed daemon cleaned up its pid file").doesNotExist();
            assertThat(RawHttp.call(first.socket, "GET", "/_ping").text()).isEqualTo("OK");
        }
    }

    @Test
    void badStartsAreOneLineAndExitOne() throws Exception {
        Path roots = dir.resolve("r");
        List<String> common = List.of("--data-root", roots.resolve("data").toString(), "--exec-root", roots.resolve("exec").toString());
        Path unknownKey = Files.writeString(dir.resolve("unknown.json"), "{\"data-rot\": \"/x\"}");
        Path badJson = Files.writeString(dir.resolve("bad.json"), "{\"debug\": tru}");
        String[][] cases = {
                {"berthd: unknown option: '--no-such-flag'", "--no-such-flag"},
                {"berthd: -H udp://127.0.0.1:1: unknown scheme udp://; use unix:// or tcp://", "-H", "udp://127.0.0.1:1"},
                {"berthd: --log-level loud: unknown level", "--log-level", "loud"},
                {"berthd: config file " + unknownKey + ": the following directives don't match any configuration option: data-rot",
                        "--config-file", unknownKey.toString()},
                {"berthd: config file " + badJson + ": invalid JSON", "--config-file", badJson.toString()},
                {"berthd: --tlscert " + dir.resolve("none.pem") + ": no such file", "-H", "tcp://127.0.0.1:0", "--tlsverify",
                        "--tlscacert", dir.resolve("none.pem").toString(), "--tlscert", dir.resolve("none.pem").toString(),
                        "--tlskey", dir.resolve("none.pem").toString()},
                {"berthd: --insecure-registry http://r:5000: insecure registry should not contain '://'",
                        "--insecure-registry", "http://r:5000"},
                {"berthd: --log-driver/--log-opt: unknown log opt 'colour' for json-file log driver",
                        "--log-opt", "colour=red"},
                {"berthd: --log-driver/--log-opt: logger: no log driver named 'syslog' is registered",
                        "--log-driver", "syslog"},
                {"berthd: --bip 10.1.2.3: expected an IPv4 address with a prefix length", "--bip", "10.1.2.3"},
        };
        for (String[] c : cases) {
            List<String> args = new java.util.ArrayList<>(List.of(c).subList(1, c.length));
            args.addAll(common);
            BerthdProcess.Result r = BerthdProcess.runToExit(dir.resolve("run"), args.toArray(String[]::new));
            assertThat(r.exit()).as(String.join(" ", args)).isEqualTo(1);
            assertOneLine(r.output(), c[0]);
        }
    }

    @Test
    void debugAddsTheStackTrace() throws Exception {
        BerthdProcess.Result r = BerthdProcess.runToExit(dir.resolve("run"), "--debug", "-H", "udp://x",
                "--data-root", dir.resolve("data").toString(), "--exec-root", dir.resolve("exec").toString());
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.output()).startsWith("berthd: -H udp://x: unknown scheme").contains("\tat dev.berth.daemon.");
    }

    @Test
    void theConfigFileIsReadAndFlagsWin() throws Exception {
        Path cfg = Files.writeString(dir.resolve("daemon.json"), """
                {"data-root": "%s", "debug": true, "insecure-registries": ["registry.test:5000"]}
                """.formatted(dir.resolve("from-file")));
        try (BerthdProcess d = BerthdProcess.start(dir.resolve("run"), "--config-file", cfg.toString())) {
            JsonNode info = RawHttp.call(d.socket, "GET", "/info").json();
            assertThat(info.get("DockerRootDir").asText()).as("--data-root wins over the file").isEqualTo(d.dataRoot.toString());
            assertThat(info.get("Debug").asBoolean()).as("from the file").isTrue();
            assertThat(info.get("RegistryConfig").get("IndexConfigs").get("registry.test:5000").get("Secure").asBoolean()).isFalse();
        }
    }

    @Test
    void theEngineIdSurvivesARestart() throws Exception {
        String first;
        try (BerthdProcess d = BerthdProcess.start(dir)) {
            first = RawHttp.call(d.socket, "GET", "/info").json().get("ID").asText();
            d.terminate(Duration.ofSeconds(30));
        }
        try (BerthdProcess d = BerthdProcess.start(dir)) {
            assertThat(RawHttp.call(d.socket, "GET", "/info").json().get("ID").asText()).isEqualTo(first);
        }
    }

    /** The output is exactly one line, starting with the expected text, with no stack trace. */
    private static void assertOneLine(String output, String expectedStart) {
        assertThat(output).startsWith(expectedStart);
        assertThat(output.strip().lines().count()).as("one line: " + output).isEqualTo(1);
        assertThat(output).doesNotContain("\tat ");
    }
}
