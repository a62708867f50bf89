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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What berthd does for a container while it runs, driven by the real docker CLI: restart
 * policies, {@code --init}, the OOM killer's verdict. Waits poll the container's state; no
 * assertion is about how long anything took.
 */
@RequiresDockerCli
@RequiresRoot
class SuperviseIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How long a poll waits for a state before the test fails: generous, for a loaded machine. */
    private static final long PATIENCE_MILLIS = 60_000;

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
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void alwaysRestartsAContainerThatExitsUntilItIsStopped() throws Exception {
        docker.run("run", "-d", "--network", "none", "--restart", "always", "--name", "phoenix", "busybox",
                "sh", "-c", "echo up; exit 1").ok();
        JsonNode grown = await("phoenix", c -> c.get("RestartCount").asInt() >= 3);
        assertThat(grown.at("/HostConfig/RestartPolicy/Name").asText()).isEqualTo("always");
        assertThat(docker.run("logs", "phoenix").ok().out().lines().filter("up"::equals).count()).isGreaterThanOrEqualTo(3);

        docker.run("stop", "-t", "1", "phoenix").ok();
        JsonNode stopped = inspect("phoenix");
        assertThat(stopped.at("/State/Status").asText()).isEqualTo("exited");
        int count = stopped.get("RestartCount").asInt();
        // a restart that was pending is cancelled, and none follows: a start would show as a new StartedAt
        Thread.sleep(1_500);
        JsonNode later = inspect("phoenix");
        assertThat(later.at("/State/Status").asText()).isEqualTo("exited");
        assertThat(later.get("RestartCount").asInt()).isEqualTo(count);
        assertThat(later.at("/State/StartedAt").asText()).isEqualTo(stopped.at("/State/StartedAt").asText());

        // a start by the user begins the count again, as in dockerd
        docker.run("start", "phoenix").ok();
        assertThat(await("phoenix", c -> true).get("RestartCount").asInt()).isLessThan(count);
    }

    @Test
    void onFailureStopsAfterItsMaximumAndNotAfterSuccess() throws Exception {
        docker.run("run", "-d", "--network", "none", "--restart", "on-failure:2", "--name", "twice", "busybox",
                "sh", "-c", "exit 3").ok();
        JsonNode done = await("twice", c -> c.at("/State/Status").asText().equals("exited")
                && c.get("RestartCount").asInt() == 2);
        assertThat(done.at("/State/ExitCode").asInt()).isEqualTo(3);
        assertThat(docker.run("ps", "-a", "--filter", "name=twice", "--format", "{{.Status}}").ok().out())
                .startsWith("Exited (3)");

        docker.run("run", "-d", "--network", "none", "--restart", "on-failure", "--name", "fine", "busybox",
                "true").ok();
        JsonNode fine = await("fine", c -> c.at("/State/Status").asText().equals("exited"));
        assertThat(fine.get("RestartCount").asInt()).isZero();
    }

    @Test
    void aRestartingContainerIsRemovedByForceAndRestartsNoMore() throws Exception {
        docker.run("run", "-d", "--network", "none", "--restart", "always", "--name", "gone", "busybox",
                "sh", "-c", "exit 2").ok();
        await("gone", c -> c.get("RestartCount").asInt() >= 2);
        docker.run("rm", "-f", "gone").ok();
        Thread.sleep(1_000);
        assertThat(docker.run("ps", "-aq").ok().out()).isBlank();
    }

    @Test
    void anUnlessStoppedContainerComesBackAfterTheDaemonRestartsUnlessTheUserStoppedIt() throws Exception {
        docker.run("run", "-d", "--network", "none", "--restart", "unless-stopped", "--name", "keeper", "busybox",
                "sleep", "1000").ok();
        docker.run("run", "-d", "--network", "none", "--restart", "unless-stopped", "--name", "halted", "busybox",
                "sleep", "1000").ok();
        docker.run("stop", "-t", "1", "halted").ok();
        docker.run("kill", "keeper").ok(); // the user's kill: no restart now, as in dockerd
        assertThat(inspect("keeper").at("/State/Status").asText()).isEqualTo("exited");

        docker.run("start", "keeper").ok();
        int pid = inspect("keeper").at("/State/Pid").asInt();
        daemon.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL, by its pid
        // the container dies while no berthd watches: its monitor records the exit for the next one
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        berth = berth.killAndRestart(dir); // the after-all stops the new one
        daemon = berth.daemon;
        docker = berth.docker;

        JsonNode back = await("keeper", c -> c.at("/State/Status").asText().equals("running"));
        assertThat(back.at("/State/Pid").asInt()).isPositive().isNotEqualTo(pid);
        assertThat(inspect("halted").at("/State/Status").asText()).isEqualTo("exited");
    }

    @Test
    void theOomKillerSetsOomKilledAndAnOomEventPrecedesDie() throws Exception {
        DockerCli.Result r = docker.run("run", "--network", "none", "--name", "hog", "-m", "16m",
                "--memory-swap", "16m", "busybox", "tail", "/dev/zero");
        assertThat(r.exit()).isEqualTo(137);
        JsonNode state = inspect("hog").get("State");
        assertThat(state.get("OOMKilled").asBoolean()).isTrue();
        assertThat(state.get("ExitCode").asInt()).isEqualTo(137);
        String events = docker.run("events", "--since", "0", "--until", until(), "--filter", "container=hog",
                "--format", "{{.Action}}").ok().out();
        assertThat(events.lines().filter(a -> a.equals("oom") || a.equals("die")).toList())
                .containsExactly("oom", "die");

        docker.run("run", "--network", "none", "--name", "modest", "-m", "16m", "busybox", "true").ok();
        assertThat(inspect("modest").at("/State/OOMKilled").asBoolean()).isFalse();
    }

    @Test
    void anOomEventIsSentWhenTheOomKillerStrikesNotWhenTheContainerEnds() throws Exception {
        // tail keeps what it reads of a file without newlines: it is the biggest process, the OOM
        // killer's victim, and the shell that ran it goes on
        docker.run("run", "-d", "--network", "none", "--name", "survivor", "-m", "8m", "--memory-swap", "8m",
                "busybox", "sh", "-c", "tail /dev/zero; echo survived; exec sleep 1000").ok();
        long deadline = System.nanoTime() + PATIENCE_MILLIS * 1_000_000;
        while (docker.run("events", "--since", "0", "--until", until(), "--filter", "container=survivor",
                "--filter", "event=oom", "--format", "{{.Action}}").ok().out().isBlank()) {
            assertThat(System.nanoTime()).as("an oom event within %d ms", PATIENCE_MILLIS).isLessThan(deadline);
        }
        assertThat(inspect("survivor").at("/State/Status").asText()).isEqualTo("running");
        await("survivor", c -> {
            try {
                return docker.run("logs", "survivor").ok().out().equals("survived\n");
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        });

        docker.run("kill", "survivor").ok();
        await("survivor", c -> c.at("/State/Status").asText().equals("exited"));
        String events = docker.run("events", "--since", "0", "--until", until(), "--filter", "container=survivor",
                "--format", "{{.Action}}").ok().out();
        assertThat(events.lines().filter(a -> a.equals("oom") || a.equals("die")).toList())
                .containsExactly("oom", "die"); // sent once, when it happened
    }

    @Test
    void initRunsTiniAsPid1AndReapsOrphans() throws Exception {
        DockerCli.Result ps = docker.run("run", "--rm", "--init", "--network", "none", "busybox", "ps", "-o", "pid,args");
        assertThat(ps.exit()).as(ps.err()).isZero();
        assertThat(ps.out().lines().map(String::trim)).anyMatch(l -> l.startsWith("1 /sbin/docker-init -- ps"));

        // the subshell's child outlives it and is handed to pid 1, which must reap it when it ends
        DockerCli.Result stats = docker.run("run", "--rm", "--init", "--network", "none", "busybox", "sh", "-c",
                "(sleep 0.2 &); sleep 1.5; cat /proc/[0-9]*/stat");
        assertThat(stats.exit()).as(stats.err()).isZero();
        assertThat(stats.out()).doesNotContain(") Z ");
        assertThat(docker.run("run", "--rm", "--network", "none", "busybox", "sh", "-c", "cat /proc/1/cmdline")
                .ok().out()).doesNotContain("docker-init");
    }

    @Test
    void topListsTheContainersProcessesAndStatsShowsIt() throws Exception {
        docker.run("run", "-d", "--network", "none", "--name", "napper", "busybox", "sleep", "1000").ok();
        DockerCli.Result top = docker.run("top", "napper");
        assertThat(top.exit()).as(top.err()).isZero();
        List<String> lines = top.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("UID").contains("PID", "PPID", "CMD");
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).endsWith("sleep 1000").contains(inspect("napper").at("/State/Pid").asText());

        DockerCli.Result stats = docker.run("stats", "--no-stream", "--format",
                "{{.Name}}|{{.CPUPerc}}|{{.MemUsage}}|{{.PIDs}}", "napper");
        assertThat(stats.exit()).as(stats.err()).isZero();
        String[] columns = stats.out().trim().split("\\|");
        assertThat(columns[0]).isEqualTo("napper");
        assertThat(columns[1]).matches("\\d+\\.\\d\\d%");
        assertThat(columns[2]).matches("[0-9.]+(B|[KMG]iB) / [0-9.]+(B|[KMG]iB)");
        assertThat(columns[3]).isEqualTo("1");

        JsonNode oneShot = RawHttp.call(daemon.socket, "GET", "/containers/napper/stats?stream=false&one-shot=true")
                .json();
        assertThat(oneShot.get("name").asText()).isEqualTo("/napper");
        assertThat(oneShot.at("/memory_stats/usage").asLong()).isPositive();
        assertThat(oneShot.at("/pids_stats/current").asInt()).isEqualTo(1);
        assertThat(oneShot.has("networks")).as("--network none has no interfaces to count").isFalse();

        // the stream: a sample a second, each with the one before as its precpu_stats, until the client goes
        try (RawHttp http = RawHttp.connect(daemon.socket)) {
            http.sendHead("GET", "/containers/napper/stats", -1);
            assertThat(http.readHead().status()).isEqualTo(200);
            java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
            while (body.toString().split("\n").length < 2 || !body.toString().endsWith("\n")) {
                byte[] chunk = http.readChunk(RawHttp.TIMEOUT);
                assertThat(chunk).as("the stream ended early").isNotNull();
                body.write(chunk);
            }
            String[] samples = body.toString().split("\n");
            JsonNode first = JSON.readTree(samples[0]);
            JsonNode second = JSON.readTree(samples[1]);
            assertThat(second.get("precpu_stats")).isEqualTo(first.get("cpu_stats"));
            assertThat(second.get("preread").asText()).isEqualTo(first.get("read").asText());
        }

        docker.run("stop", "-t", "1", "napper").ok();
        DockerCli.Result stopped = docker.run("top", "napper");
        assertThat(stopped.exit()).isEqualTo(1);
        assertThat(stopped.err()).contains("is not running");
    }

    @Test
    void updateChangesTheLimitsOfARunningContainerAndItsRecord() throws Exception {
        String id = docker.run("run", "-d", "--network", "none", "-m", "32m", "--name", "elastic", "busybox",
                "sleep", "1000").ok().out().trim();
        Path memory = Path.of("/sys/fs/cgroup/memory/berth", id);
        assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).trim()).isEqualTo(Long.toString(32L << 20));

        docker.run("update", "-m", "48m", "--cpus", "0.5", "--pids-limit", "50", "--restart", "on-failure:3",
                "elastic").ok();
        assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).trim()).isEqualTo(Long.toString(48L << 20));
        assertThat(Files.readString(Path.of("/sys/fs/cgroup/cpu/berth", id, "cpu.cfs_quota_us")).trim())
                .isEqualTo("50000");
        assertThat(Files.readString(Path.of("/sys/fs/cgroup/pids/berth", id, "pids.max")).trim()).isEqualTo("50");
        JsonNode hc = inspect("elastic").get("HostConfig");
        assertThat(hc.get("Memory").asLong()).isEqualTo(48L << 20);
        assertThat(hc.get("NanoCpus").asLong()).isEqualTo(500_000_000L);
        assertThat(hc.at("/RestartPolicy/Name").asText()).isEqualTo("on-failure");
        assertThat(hc.at("/RestartPolicy/MaximumRetryCount").asInt()).isEqualTo(3);

        DockerCli.Result bad = docker.run("update", "-m", "1k", "elastic");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err().strip()).endsWith("Minimum memory limit allowed is 6MB");
        assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).trim()).isEqualTo(Long.toString(48L << 20));

        // the new limits outlive a stop: the next start applies them
        docker.run("stop", "-t", "1", "elastic").ok();
        docker.run("start", "elastic").ok();
        assertThat(Files.readString(memory.resolve("memory.limit_in_bytes")).trim()).isEqualTo(Long.toString(48L << 20));
    }

    @Test
    void jsonFileLogsRotateAndDockerLogsReadsAcrossTheFiles() throws Exception {
        docker.run("run", "--network", "none", "--name", "chatty", "--log-opt", "max-size=1k",
                "--log-opt", "max-file=2", "busybox", "sh", "-c",
                "i=1; while [ $i -le 100 ]; do echo line $i; i=$((i+1)); done").ok();
        String id = inspect("chatty").get("Id").asText();
        Path log = Path.of(inspect("chatty").get("LogPath").asText());
        assertThat(log.getFileName().toString()).isEqualTo(id + "-json.log");
        assertThat(Files.size(log)).isLessThanOrEqualTo(1024);
        assertThat(log.resolveSibling(id + "-json.log.1")).exists();
        assertThat(log.resolveSibling(id + "-json.log.2")).doesNotExist();
        List<String> lines = docker.run("logs", "chatty").ok().out().lines().toList();
        assertThat(lines.getLast()).isEqualTo("line 100");
        assertThat(lines.size()).isGreaterThan(Files.readAllLines(log).size()).isLessThan(100);
        for (int i = 1; i < lines.size(); i++) { // in order, without a gap, across the two files
            assertThat(lines.get(i)).isEqualTo("line " + (Integer.parseInt(lines.get(i - 1).substring(5)) + 1));
        }
        assertThat(docker.run("logs", "--tail", "2", "chatty").ok().out()).isEqualTo("line 99\nline 100\n");

        docker.run("run", "-d", "--network", "none", "--name", "mute", "--log-driver", "none", "busybox", "echo",
                "hi").ok();
        DockerCli.Result none = docker.run("logs", "mute");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("configured logging driver does not support reading");

        DockerCli.Result bad = docker.run("create", "--network", "none", "--log-driver", "syslog", "busybox", "true");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("logger: no log driver named 'syslog' is registered");
        DockerCli.Result opt = docker.run("create", "--network", "none", "--log-opt", "max-size=huge", "busybox", "true");
        assertThat(opt.err()).contains("invalid size: 'huge'");
    }

    private static JsonNode await(String name, Predicate<JsonNode> condition) throws Exception {
        long deadline = System.nanoTime() + PATIENCE_MILLIS * 1_000_000;
        JsonNode c = inspect(name);
        while (!condition.test(c)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("container " + name + " never reached the state waited for: " + c);
            }
            Thread.sleep(50);
            c = inspect(name);
        }
        return c;
    }

    private static String until() {
        return Long.toString(java.time.Instant.now().getEpochSecond() + 1);
    }

    private static JsonNode inspect(String name) throws Exception {
        JsonNode all = JSON.readTree(docker.run("inspect", "--type", "container", name).ok().out());
        return all.get(0);
    }
}
