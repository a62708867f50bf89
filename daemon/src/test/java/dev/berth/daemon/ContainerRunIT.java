package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.ContainerDaemon;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RawHttp;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.linux.MountInfo;
import dev.berth.linux.testing.RequiresRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers run by the real docker CLI on a real berthd: {@code docker run} in the foreground
 * and detached, exit codes, the two output streams, logs, stop and start again. The image is the
 * host's static busybox, imported; every container runs with {@code --network none} until the
 * networking issue brings the default bridge.
 */
@RequiresDockerCli
@RequiresRoot
class ContainerRunIT {
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
        // nothing a container had stays behind: mounts, bundles and fifos, the runtime's state
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
    void runPrintsTheOutputAndRemovesTheContainer() throws Exception {
        DockerCli.Result r = docker.run("run", "--rm", "--network", "none", "busybox", "echo", "hello from a container");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("hello from a container\n");
        assertThat(docker.run("ps", "-aq").ok().out()).isBlank();
    }

    @Test
    void exitCodesAndStreamsPassThrough() throws Exception {
        // the pause orders the two streams in the log: each has a reader of its own, as in dockerd
        DockerCli.Result r = docker.run("run", "--network", "none", "--name", "three", "busybox", "sh", "-c",
                "echo out; sleep 0.3; echo err >&2; exit 3");
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).isEqualTo("err\n");
        JsonNode state = inspect("three").get("State");
        assertThat(state.get("Status").asText()).isEqualTo("exited");
        assertThat(state.get("ExitCode").asInt()).isEqualTo(3);
        assertThat(docker.run("ps", "-a", "--format", "{{.Status}}").ok().out()).startsWith("Exited (3)");

        DockerCli.Result logs = docker.run("logs", "three");
        assertThat(logs.out()).isEqualTo("out\n");
        assertThat(logs.err()).isEqualTo("err\n");
        assertThat(docker.run("logs", "--tail", "1", "three").ok().out() + docker.run("logs", "--tail", "1", "three").err())
                .isEqualTo("err\n");

        // start -a runs it again, attached, and the log grows
        DockerCli.Result again = docker.run("start", "-a", "three");
        assertThat(again.out()).isEqualTo("out\n");
        assertThat(again.exit()).isEqualTo(3);
        assertThat(docker.run("logs", "three").ok().out()).isEqualTo("out\nout\n");
    }

    @Test
    void stdinReachesTheContainerAndItsEndClosesIt() throws Exception {
        DockerCli.Result r = docker.runWithInput("hi\nthere\n", "run", "-i", "--rm", "--network", "none", "busybox", "cat");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("hi\nthere\n");
        DockerCli.Result counted = docker.runWithInput("a\nb\nc\n", "run", "-i", "--rm", "--network", "none", "busybox",
                "wc", "-l");
        assertThat(counted.out().trim()).isEqualTo("3");
    }

    @Test
    void containersRunWithDockersDefaultConfinement() throws Exception {
        // Docker's 14 default capabilities, and nothing else
        DockerCli.Result caps = docker.run("run", "--rm", "--network", "none", "busybox", "sh", "-c",
                "grep -E '^Cap(Eff|Bnd)' /proc/self/status");
        assertThat(caps.out()).contains("CapEff:\t00000000a80425fb").contains("CapBnd:\t00000000a80425fb");
        // no mounting, no sysrq, no writing /sys, and no host processes in sight
        assertThat(docker.run("run", "--rm", "--network", "none", "busybox", "mount", "-t", "tmpfs", "none", "/mnt").exit())
                .isNotZero();
        assertThat(docker.run("run", "--rm", "--network", "none", "busybox", "sh", "-c",
                "echo h > /proc/sysrq-trigger").exit()).isNotZero();
        assertThat(docker.run("run", "--rm", "--network", "none", "busybox", "sh", "-c",
                "echo 1 > /sys/kernel/profiling").exit()).isNotZero();
        // the shell expands the list before it starts any cat: its own process is all there is
        assertThat(docker.run("run", "--rm", "--network", "none", "busybox", "sh", "-c",
                "for p in /proc/[0-9]*; do echo \"${p#/proc/} $(cat $p/comm)\"; done").ok().out())
                .as("only the container's own processes").isEqualTo("1 sh\n");
        // a seccomp filter is in force (mode 2): Docker's default profile
        assertThat(docker.run("run", "--rm", "--network", "none", "busybox", "grep", "Seccomp:", "/proc/self/status")
                .ok().out()).contains("Seccomp:\t2");
        // --privileged lifts it: all the capabilities the daemon holds, no seccomp filter
        assertThat(docker.run("run", "--rm", "--privileged", "--network", "none", "busybox", "grep", "Seccomp:",
                "/proc/self/status").ok().out()).contains("Seccomp:\t0");
    }

    @Test
    void aMissingCommandFailsWith127AndDockersWords() throws Exception {
        DockerCli.Result r = docker.run("run", "--network", "none", "--name", "missing", "busybox", "nosuchcmd");
        assertThat(r.exit()).isEqualTo(127);
        assertThat(r.err()).contains("exec: \"nosuchcmd\": executable file not found in $PATH")
                .doesNotContain("Exception");
        JsonNode state = inspect("missing").get("State");
        assertThat(state.get("Status").asText()).isEqualTo("exited");
        assertThat(state.get("ExitCode").asInt()).isEqualTo(127);
    }

    @Test
    void detachedContainersRunUntilStopped() throws Exception {
        String id = docker.run("run", "-d", "--network", "none", "--name", "sleeper", "busybox", "sleep", "30")
                .ok().out().trim();
        assertThat(id).matches("[0-9a-f]{64}");
        assertThat(docker.run("ps", "--format", "{{.Names}} {{.Status}}").ok().out()).startsWith("sleeper Up");
        JsonNode state = inspect("sleeper").get("State");
        assertThat(state.get("Running").asBoolean()).isTrue();
        int pid = state.get("Pid").asInt();
        assertThat(Path.of("/proc/" + pid)).exists();
        assertThat(MountInfo.under(daemon.dataRoot)).hasSize(1); // its root filesystem

        // sleep as PID 1 ignores TERM: after the timeout, KILL
        docker.run("stop", "-t", "1", "sleeper").ok();
        state = inspect("sleeper").get("State");
        assertThat(state.get("Status").asText()).isEqualTo("exited");
        assertThat(state.get("ExitCode").asInt()).isEqualTo(137);
        assertThat(Path.of("/proc/" + pid)).doesNotExist();
        assertThat(docker.run("wait", "sleeper").ok().out().trim()).isEqualTo("137");
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();
        assertThat(docker.run("events", "--since", "0", "--until", Long.toString(java.time.Instant.now().getEpochSecond() + 1),
                "--filter", "container=sleeper", "--format", "{{.Action}}").ok().out().lines().toList())
                .containsSubsequence("create", "start", "die", "stop");
    }

    @Test
    void logsFollowTheOutputUntilTheContainerEnds() throws Exception {
        docker.run("run", "-d", "--network", "none", "--name", "talker", "busybox", "sh", "-c",
                "echo one; sleep 1; echo two >&2; sleep 1; echo three").ok();
        // started while the container runs: what was logged, then what comes, once each, then the end
        DockerCli.Result followed = docker.run("logs", "-f", "talker");
        assertThat(followed.exit()).as(followed.err()).isZero();
        assertThat(followed.out()).isEqualTo("one\nthree\n");
        assertThat(followed.err()).isEqualTo("two\n");
        assertThat(inspect("talker").at("/State/Status").asText()).isEqualTo("exited");
        // on a stopped container, -f prints the log and ends
        assertThat(docker.run("logs", "-f", "--tail", "1", "talker").ok().out()).isEqualTo("three\n");
    }

    @Test
    void aClientThatDoesNotReadHoldsUpOnlyItsOwnContainer() throws Exception {
        // 5 MB of 1 kB lines, far more than the socket and the server's outbound buffer hold
        docker.run("create", "--network", "none", "--name", "flood", "busybox", "sh", "-c",
                "yes $(head -c 1000 /dev/zero | tr '\\0' x) | head -n 5000; echo flooded").ok();
        try (RawHttp stuck = RawHttp.connect(daemon.socket)) {
            stuck.sendHead("POST", "/containers/flood/attach?stream=1&stdout=1&stderr=1", 0,
                    "Connection: Upgrade", "Upgrade: tcp");
            assertThat(stuck.readHead().status()).isEqualTo(101);
            docker.run("start", "flood").ok(); // and never read

            DockerCli.Result calm = docker.run("run", "--rm", "--network", "none", "busybox", "sh", "-c",
                    "echo calm; echo also calm >&2");
            assertThat(calm.exit()).as(calm.err()).isZero();
            assertThat(calm.out()).isEqualTo("calm\n");
            assertThat(calm.err()).isEqualTo("also calm\n");
            assertThat(inspect("flood").at("/State/Running").asBoolean()).as("held up by its client").isTrue();
        }
        // the client gone, the flood flows to its end
        assertThat(docker.run("wait", "flood").ok().out().strip()).isEqualTo("0");
        assertThat(docker.run("logs", "--tail", "1", "flood").ok().out()).isEqualTo("flooded\n");
    }

    @Test
    void pauseRestartAndPrune() throws Exception {
        docker.run("run", "-d", "--network", "none", "--name", "napper", "busybox", "sleep", "30").ok();
        int pid = inspect("napper").at("/State/Pid").asInt();
        docker.run("pause", "napper").ok();
        assertThat(docker.run("ps", "--format", "{{.Status}}").ok().out()).contains("(Paused)");
        assertThat(freezerState(pid)).isEqualTo("FROZEN");
        assertThat(inspect("napper").at("/State/Paused").asBoolean()).isTrue();
        assertThat(docker.run("pause", "napper").err()).contains("is not running");
        docker.run("unpause", "napper").ok();
        assertThat(inspect("napper").at("/State/Status").asText()).isEqualTo("running");
        assertThat(freezerState(pid)).isEqualTo("THAWED");

        docker.run("restart", "-t", "1", "napper").ok();
        int again = inspect("napper").at("/State/Pid").asInt();
        assertThat(again).isNotEqualTo(pid);
        assertThat(inspect("napper").at("/State/Status").asText()).isEqualTo("running");
        // a paused container still stops: it is thawed first
        docker.run("pause", "napper").ok();
        docker.run("stop", "-t", "1", "napper").ok();
        assertThat(inspect("napper").at("/State/Status").asText()).isEqualTo("exited");
        // and a kill thaws it as dockerd's does, so the signal arrives; a signal other than its
        // stop signal, when it names one, leaves it frozen
        docker.run("start", "napper").ok();
        docker.run("pause", "napper").ok();
        docker.run("kill", "napper").ok();
        assertThat(inspect("napper").at("/State/Status").asText()).isEqualTo("exited");
        assertThat(inspect("napper").at("/State/ExitCode").asInt()).isEqualTo(137);
        docker.run("run", "-d", "--network", "none", "--name", "named", "--stop-signal", "USR1", "busybox",
                "sleep", "30").ok();
        docker.run("pause", "named").ok();
        docker.run("kill", "-s", "HUP", "named").ok();
        assertThat(inspect("named").at("/State/Status").asText()).isEqualTo("paused");
        docker.run("kill", "named").ok();
        assertThat(inspect("named").at("/State/Status").asText()).isEqualTo("exited");

        docker.run("create", "--network", "none", "--name", "idle", "busybox", "true").ok();
        docker.run("run", "-d", "--network", "none", "--name", "busy", "busybox", "sleep", "30").ok();
        String pruned = docker.run("container", "prune", "-f").ok().out();
        assertThat(docker.run("ps", "-a", "--format", "{{.Names}}").ok().out().trim()).isEqualTo("busy");
        assertThat(pruned).contains("Deleted Containers:");
        assertThat(docker.run("events", "--since", "0", "--until", Long.toString(java.time.Instant.now().getEpochSecond() + 1),
                "--filter", "container=napper", "--format", "{{.Action}}").ok().out().lines().toList())
                .contains("pause", "unpause", "restart");
    }

    /** The cgroup v1 freezer's state of the process's cgroup (this machine's controllers are v1). */
    private static String freezerState(int pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (f[1].equals("freezer")) {
                return Files.readString(Path.of("/sys/fs/cgroup/freezer" + f[2], "freezer.state")).trim();
            }
        }
        throw new AssertionError("no freezer cgroup for " + pid);
    }

    private static JsonNode inspect(String name) throws Exception {
        return JSON.readTree(docker.run("inspect", "--type", "container", name).ok().out()).get(0);
    }
}
