package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.ContainerDaemon;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RawHttp;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.linux.testing.RequiresRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker exec} with the real docker CLI on a real berthd: output, input and exit codes,
 * user, environment and working directory, privileges, detached execs and their inspect, a
 * terminal and its resize (through the API: the CLI sends none without a terminal of its own),
 * refusals, and the exec events.
 */
@RequiresDockerCli
@RequiresRoot
class ExecIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static ContainerDaemon berth;
    private static BerthdProcess daemon;
    private static DockerCli docker;

    @BeforeAll
    static void start() throws Exception {
        berth = ContainerDaemon.start(dir);
        daemon = berth.daemon;
        docker = berth.docker;
    }

    @BeforeEach
    void runBox() throws Exception {
        docker.run("run", "-d", "--network", "none", "--name", "box", "-e", "FROM_RUN=1", "busybox", "sleep", "1000")
                .ok();
    }

    @AfterEach
    void removeContainers() throws Exception {
        berth.removeContainers();
        berth.assertNoRuntimeStateLeft();
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void outputAndExitCodesPassThrough() throws Exception {
        assertThat(docker.run("exec", "box", "echo", "hi").ok().out()).isEqualTo("hi\n");
        DockerCli.Result r = docker.run("exec", "box", "sh", "-c", "echo out; echo err >&2; exit 5");
        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).isEqualTo("err\n");
    }

    @Test
    void aMissingCommandExits127InDockersWords() throws Exception {
        DockerCli.Result r = docker.run("exec", "box", "nosuch");
        assertThat(r.exit()).isEqualTo(127);
        assertThat(r.out()).contains("exec: \"nosuch\": executable file not found in $PATH");
    }

    @Test
    void inputReachesTheProcessAndItsEndClosesIt() throws Exception {
        assertThat(docker.runWithInput("hello\nworld\n", "exec", "-i", "box", "cat").ok().out())
                .isEqualTo("hello\nworld\n");
    }

    @Test
    void userEnvironmentAndWorkingDirectory() throws Exception {
        DockerCli.Result r = docker.run("exec", "-u", "1000:1001", "-e", "FOO=bar", "-w", "/etc", "box", "sh", "-c",
                "id -u; id -g; echo $FOO $FROM_RUN; pwd").ok();
        assertThat(r.out()).isEqualTo("1000\n1001\nbar 1\n/etc\n");
        // without them: the container's own
        assertThat(docker.run("exec", "box", "sh", "-c", "id -u; pwd").ok().out()).isEqualTo("0\n/\n");
    }

    @Test
    void privilegedGetsMoreCapabilities() throws Exception {
        String plain = docker.run("exec", "box", "grep", "CapEff", "/proc/self/status").ok().out();
        String privileged = docker.run("exec", "--privileged", "box", "grep", "CapEff", "/proc/self/status").ok().out();
        assertThat(Long.bitCount(capabilities(privileged))).isGreaterThan(Long.bitCount(capabilities(plain)));
    }

    private static long capabilities(String line) {
        return Long.parseUnsignedLong(line.substring(line.indexOf(':') + 1).trim(), 16);
    }

    @Test
    void aDetachedExecRunsOnAndIsListedUntilItEnds() throws Exception {
        docker.run("exec", "-d", "box", "sh", "-c", "echo done > /done; sleep 1000").ok();
        JsonNode ids = inspect("box").get("ExecIDs");
        assertThat(ids.isArray()).as(ids.toString()).isTrue();
        assertThat(ids).hasSize(1);
        String execId = ids.get(0).asText();
        JsonNode exec = RawHttp.call(daemon.socket, "GET", "/exec/" + execId + "/json").json();
        assertThat(exec.get("Running").asBoolean()).isTrue();
        assertThat(exec.get("Pid").asInt()).isPositive();
        assertThat(exec.get("ContainerID").asText()).isEqualTo(inspect("box").get("Id").asText());
        assertThat(exec.at("/ProcessConfig/entrypoint").asText()).isEqualTo("sh");
        String done = "";
        for (int i = 0; i < 100 && !done.equals("done\n"); i++) {
            done = docker.run("exec", "box", "sh", "-c", "cat /done 2>/dev/null || true").ok().out();
        }
        assertThat(done).isEqualTo("done\n");

        // the container's end ends its execs
        docker.run("kill", "box").ok();
        docker.run("wait", "box").ok();
        exec = RawHttp.call(daemon.socket, "GET", "/exec/" + execId + "/json").json();
        for (int i = 0; i < 100 && exec.get("Running").asBoolean(); i++) {
            Thread.sleep(50);
            exec = RawHttp.call(daemon.socket, "GET", "/exec/" + execId + "/json").json();
        }
        assertThat(exec.get("Running").asBoolean()).isFalse();
        assertThat(exec.get("ExitCode").asInt()).isEqualTo(137);
        JsonNode after = inspect("box").get("ExecIDs"); // none running: null, which the inspect leaves out
        assertThat(after == null || after.isNull()).as(String.valueOf(after)).isTrue();
    }

    @Test
    void aTerminalIsAPtyThatResizes() throws Exception {
        assertThat(docker.run("exec", "-t", "box", "tty").ok().out()).matches("/dev/pts/\\d+\r\n");

        String id = create("{\"AttachStdin\":true,\"AttachStdout\":true,\"AttachStderr\":true,\"Tty\":true,"
                + "\"Cmd\":[\"sh\",\"-c\",\"read line; stty size; exit 4\"]}");
        try (RawHttp c = RawHttp.connect(daemon.socket)) {
            byte[] body = "{\"Detach\":false,\"Tty\":true}".getBytes(StandardCharsets.UTF_8);
            c.sendHead("POST", "/exec/" + id + "/start", body.length, "Content-Type: application/json",
                    "Connection: Upgrade", "Upgrade: tcp");
            c.send(body);
            RawHttp.Head head = c.readHead();
            assertThat(head.status()).isEqualTo(101);
            assertThat(head.header("content-type")).isEqualTo("application/vnd.docker.raw-stream");
            assertThat(RawHttp.call(daemon.socket, "POST", "/exec/" + id + "/resize?h=33&w=77").status())
                    .isEqualTo(200);
            c.send("go\r");
            String out = new String(c.readToEnd(Duration.ofSeconds(20)), StandardCharsets.UTF_8);
            assertThat(out).isEqualTo("go\r\n33 77\r\n"); // the echo of the input, then the size; no frame headers
        }
        JsonNode exec = RawHttp.call(daemon.socket, "GET", "/exec/" + id + "/json").json();
        assertThat(exec.get("ExitCode").asInt()).isEqualTo(4);
        assertThat(exec.at("/ProcessConfig/tty").asBoolean()).isTrue();
    }

    @Test
    void withoutATerminalTheOutputIsFramed() throws Exception {
        String id = create("{\"AttachStdout\":true,\"AttachStderr\":true,\"Cmd\":[\"sh\",\"-c\",\"echo a; echo b >&2\"]}");
        try (RawHttp c = RawHttp.connect(daemon.socket)) {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            c.sendHead("POST", "/exec/" + id + "/start", body.length, "Content-Type: application/json",
                    "Connection: Upgrade", "Upgrade: tcp");
            c.send(body);
            assertThat(c.readHead().header("content-type")).isEqualTo("application/vnd.docker.multiplexed-stream");
            byte[] out = c.readToEnd(Duration.ofSeconds(20));
            // two frames, in either order: each stream has a reader of its own
            assertThat(out).hasSize(2 * (8 + 2));
            String frames = new String(out, StandardCharsets.ISO_8859_1);
            assertThat(frames).contains("\u0001\u0000\u0000\u0000\u0000\u0000\u0000\u0002a\n",
                    "\u0002\u0000\u0000\u0000\u0000\u0000\u0000\u0002b\n");
        }
        // an exec runs once
        RawHttp.Response again = post("/exec/" + id + "/start", "{\"Detach\":true}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("message").asText()).isEqualTo("exec command " + id + " has already run");
    }

    @Test
    void refusals() throws Exception {
        String stopped = docker.run("create", "--network", "none", "busybox", "true").ok().out().trim();
        DockerCli.Result r = docker.run("exec", stopped, "true");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("container " + stopped + " is not running");
        r = docker.run("exec", "nosuchbox", "true");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("No such container: nosuchbox");
        RawHttp.Response missing = RawHttp.call(daemon.socket, "GET", "/exec/0123/json");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.json().get("message").asText()).isEqualTo("No such exec instance: 0123");
        RawHttp.Response empty = post("/containers/box/exec", "{\"Cmd\":[]}");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("message").asText()).isEqualTo("No exec command specified");
        RawHttp.Response badKeys = post("/containers/box/exec", "{\"Cmd\":[\"true\"],\"DetachKeys\":\"ctrl-1\"}");
        assertThat(badKeys.status()).isEqualTo(400);
        assertThat(badKeys.json().get("message").asText()).isEqualTo("Invalid detach keys (ctrl-1) provided");
    }

    @Test
    void execsAreAnnouncedAsEvents() throws Exception {
        Instant since = Instant.now().minusSeconds(1);
        String id = inspect("box").get("Id").asText(); // by id: earlier tests' containers were called box too
        assertThat(docker.run("exec", "box", "sh", "-c", "exit 6").exit()).isEqualTo(6);
        String events = docker.run("events", "--since", Long.toString(since.getEpochSecond()), "--until",
                Long.toString(Instant.now().getEpochSecond() + 1), "--filter", "container=" + id, "--format",
                "{{.Type}} {{.Action}} {{.Actor.Attributes.exitCode}} {{.Actor.Attributes.name}}").ok().out();
        assertThat(events.lines().filter(l -> l.contains("exec_")).toList()).containsExactly(
                "container exec_create: sh -c exit 6 <no value> box",
                "container exec_start: sh -c exit 6 <no value> box",
                "container exec_die 6 box");
    }

    private static String create(String body) throws Exception {
        RawHttp.Response r = post("/containers/box/exec", body);
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.json().get("Id").asText();
    }

    private static RawHttp.Response post(String target, String body) throws Exception {
        try (RawHttp c = RawHttp.connect(daemon.socket)) {
            return c.request("POST", target, body.getBytes(StandardCharsets.UTF_8), "Content-Type: application/json");
        }
    }

    private static JsonNode inspect(String name) throws Exception {
        return JSON.readTree(docker.run("inspect", name).ok().out()).get(0);
    }
}
