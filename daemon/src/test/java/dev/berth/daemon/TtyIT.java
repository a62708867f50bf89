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
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers with a terminal ({@code -t}) on a real berthd: raw output without frame headers,
 * their logs, resizing the terminal, and detaching from it with the detach keys while the
 * container runs on, both through the docker CLI (under script(1), which gives it the terminal
 * that it insists on for {@code -it}) and through the API.
 */
@RequiresDockerCli
@RequiresRoot
class TtyIT {
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
    void theOutputOfATerminalIsRaw() throws Exception {
        DockerCli.Result r = docker.run("run", "--rm", "-t", "--network", "none", "busybox", "sh", "-c",
                "tty; echo err >&2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("/dev/pts/0\r\nerr\r\n"); // one stream: the terminal's, no frame headers
        assertThat(r.err()).isEmpty();
    }

    @Test
    void aTerminalsLogIsItsOutputAsStdout() throws Exception {
        docker.run("run", "-t", "--network", "none", "--name", "logged", "busybox", "sh", "-c",
                "echo one; echo two >&2").ok();
        DockerCli.Result logs = docker.run("logs", "logged").ok();
        assertThat(logs.out()).isEqualTo("one\r\ntwo\r\n");
        assertThat(logs.err()).isEmpty();
        String id = inspect("logged").get("Id").asText();
        Path log = daemon.dataRoot.resolve("containers").resolve(id).resolve(id + "-json.log");
        for (String line : Files.readAllLines(log)) {
            assertThat(JSON.readTree(line).get("stream").asText()).isEqualTo("stdout");
        }
    }

    @Test
    void theTerminalResizes() throws Exception {
        docker.run("run", "-d", "-t", "--network", "none", "--name", "sized", "busybox", "sleep", "1000").ok();
        assertThat(RawHttp.call(daemon.socket, "POST", "/containers/sized/resize?h=40&w=120").status()).isEqualTo(200);
        assertThat(docker.run("exec", "sized", "stty", "-F", "/dev/pts/0", "size").ok().out()).isEqualTo("40 120\n");

        RawHttp.Response bad = RawHttp.call(daemon.socket, "POST", "/containers/sized/resize?h=x&w=120");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).isEqualTo("invalid resize height \"x\"");
        docker.run("kill", "sized").ok();
        docker.run("wait", "sized").ok();
        RawHttp.Response stopped = RawHttp.call(daemon.socket, "POST", "/containers/sized/resize?h=40&w=120");
        assertThat(stopped.status()).isEqualTo(409);
        assertThat(stopped.json().get("message").asText())
                .isEqualTo("container " + inspect("sized").get("Id").asText() + " is not running");
    }

    @Test
    void runItDetachesWithCtrlPCtrlQAndTheContainerRunsOn() throws Exception {
        Process cli = underScript("run -it --network none --name kept busybox sh");
        try {
            Output out = Output.of(cli.getInputStream());
            OutputStream keys = cli.getOutputStream();
            assertThat(out.await("# ")).as(out.text()).isTrue(); // the shell's prompt
            keys.write("echo hi-$((40+2))\r".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            assertThat(out.await("hi-42")).as(out.text()).isTrue();
            keys.write(new byte[] {0x10, 0x11});
            keys.flush();
            assertThat(cli.waitFor(20, TimeUnit.SECONDS)).as(out.text()).isTrue();
            assertThat(cli.exitValue()).as(out.text()).isZero(); // docker run takes a detach for a success
        } finally {
            cli.destroyForcibly().waitFor();
        }
        assertThat(inspect("kept").at("/State/Running").asBoolean()).isTrue();
    }

    @Test
    void execItGivesAnInteractiveShellWhoseExitCodePassesThrough() throws Exception {
        docker.run("run", "-d", "--network", "none", "--name", "host", "busybox", "sleep", "1000").ok();
        Process cli = underScript("exec -it host sh");
        try {
            Output out = Output.of(cli.getInputStream());
            OutputStream keys = cli.getOutputStream();
            assertThat(out.await("# ")).as(out.text()).isTrue();
            keys.write("tty; echo hi-$((40+2)); exit 3\r".getBytes(StandardCharsets.US_ASCII));
            keys.flush();
            assertThat(cli.waitFor(20, TimeUnit.SECONDS)).as(out.text()).isTrue();
            assertThat(out.await("hi-42")).as(out.text()).isTrue();
            assertThat(out.text()).containsPattern("/dev/pts/\\d+\r\n");
            assertThat(cli.exitValue()).as(out.text()).isEqualTo(3);
        } finally {
            cli.destroyForcibly().waitFor();
        }
    }

    /** The docker CLI with {@code args} under script(1), which gives it a terminal. */
    private static Process underScript(String args) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("script", "-qefc", DockerCli.binary() + " " + args, "/dev/null")
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
        pb.environment().put("DOCKER_HOST", "unix://" + daemon.socket);
        pb.environment().put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
        return pb.start();
    }

    @Test
    void detachKeysOfTheClientsChoosingEndTheAttachmentOnly() throws Exception {
        docker.run("run", "-d", "-it", "--network", "none", "--name", "shell", "busybox", "sh").ok();
        RawHttp.Response bad = RawHttp.call(daemon.socket, "POST",
                "/containers/shell/attach?stream=1&stdin=1&stdout=1&detachKeys=ctrl-1");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("message").asText()).isEqualTo("Invalid detach keys (ctrl-1) provided");

        useShellAndDetach("shell", "ctrl-x", new byte[] {0x18});
        assertThat(inspect("shell").at("/State/Running").asBoolean()).isTrue();
        assertThat(docker.run("exec", "shell", "echo", "still-here").ok().out()).isEqualTo("still-here\n");
    }

    @Test
    void anOpenTerminalOutlivesAKilledDaemonAndTakesInputAgain() throws Exception {
        docker.run("run", "-d", "-it", "--network", "none", "--name", "lasting", "busybox", "sh").ok();
        int pid = inspect("lasting").at("/State/Pid").asInt();
        berth = berth.killAndRestart(dir); // SIGKILL, by its pid
        daemon = berth.daemon;
        docker = berth.docker;
        // the shell read no end of input while nobody wrote it: the shim held its stdin open
        assertThat(Path.of("/proc/" + pid)).as(daemon.log()).exists();
        assertThat(inspect("lasting").at("/State/Running").asBoolean()).as(daemon.log()).isTrue();
        useShellAndDetach("lasting", null, new byte[] {0x10, 0x11});
        assertThat(inspect("lasting").at("/State/Running").asBoolean()).isTrue();
    }

    @Test
    void aTerminalResizesAfterADaemonRestartAndItsProgramIsSignalled() throws Exception {
        docker.run("run", "-d", "-it", "--network", "none", "--name", "resized", "busybox", "sh", "-c",
                "trap 'stty size > /winched' WINCH; while :; do sleep 0.1; done").ok();
        berth = berth.killAndRestart(dir);
        daemon = berth.daemon;
        docker = berth.docker;

        assertThat(RawHttp.call(daemon.socket, "POST", "/containers/resized/resize?h=33&w=99").status()).isEqualTo(200);
        assertThat(docker.run("exec", "resized", "stty", "-F", "/dev/pts/0", "size").ok().out()).isEqualTo("33 99\n");
        // the shell's trap ran: the kernel sent it SIGWINCH
        String winched = "";
        for (int i = 0; i < 100 && winched.isEmpty(); i++) {
            DockerCli.Result r = docker.run("exec", "resized", "cat", "/winched");
            winched = r.exit() == 0 ? r.out() : "";
            if (winched.isEmpty()) {
                Thread.sleep(100);
            }
        }
        assertThat(winched).as(daemon.log()).isEqualTo("33 99\n");
    }

    /** Attaches to the shell in {@code container}, runs a command in it, and detaches with {@code keys}. */
    private static void useShellAndDetach(String container, String detachKeys, byte[] keys) throws Exception {
        try (RawHttp c = RawHttp.connect(daemon.socket)) {
            c.sendHead("POST", "/containers/" + container + "/attach?stream=1&stdin=1&stdout=1&stderr=1"
                    + (detachKeys == null ? "" : "&detachKeys=" + detachKeys), 0, "Connection: Upgrade", "Upgrade: tcp");
            assertThat(c.readHead().status()).isEqualTo(101);
            c.send("echo hi-$((40+2))\r");
            StringBuilder seen = new StringBuilder();
            while (!seen.toString().contains("hi-42\r\n")) {
                seen.append((char) c.readExactly(1, RawHttp.TIMEOUT)[0]);
            }
            c.send(keys);
            c.readToEnd(Duration.ofSeconds(20)); // the server ends the attachment
        }
    }

    private static JsonNode inspect(String name) throws Exception {
        return JSON.readTree(docker.run("inspect", name).ok().out()).get(0);
    }

    /** A process's output, collected on a thread of its own. */
    private record Output(ByteArrayOutputStream bytes) {
        static Output of(InputStream in) {
            Output o = new Output(new ByteArrayOutputStream());
            Thread.ofVirtual().start(() -> {
                byte[] b = new byte[4096];
                try {
                    int n;
                    while ((n = in.read(b)) >= 0) {
                        synchronized (o.bytes) {
                            o.bytes.write(b, 0, n);
                        }
                    }
                } catch (java.io.IOException e) {
                    // the process ended
                }
            });
            return o;
        }

        String text() {
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }

        /** Whether {@code s} shows up within 20 seconds. */
        boolean await(String s) throws InterruptedException {
            for (int i = 0; i < 400; i++) {
                if (text().contains(s)) {
                    return true;
                }
                Thread.sleep(50);
            }
            return false;
        }
    }
}
