package dev.berth.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.linux.testing.RequiresRoot;
import dev.berth.runtime.testing.Cli;
import dev.berth.runtime.testing.Leftovers;
import dev.berth.runtime.testing.TestBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands that act on a running container (pause, resume, exec, ps, events, update, kill
 * --all), and its cgroup limits as both the container and the host see them.
 */
@RequiresRoot
class OperationsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Cli cli;
    private TestBundle bundle;
    private final String id = "op-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp.resolve("state"));
        bundle = TestBundle.busybox(tmp.resolve("bundle"), "sleep", "300").write();
    }

    @AfterEach
    void tearDown() throws Exception {
        cli.run("delete", "--force", id);
        assertThat(Leftovers.cgroups(id)).isEmpty();
    }

    private void startWith(java.util.function.Consumer<ObjectNode> change) throws Exception {
        bundle.json(change);
        cli.run("create", "--bundle", bundle.path().toString(), id).ok();
        cli.run("start", id).ok();
    }

    private String status() throws Exception {
        return JSON.readTree(cli.run("state", id).ok().out()).get("status").asText();
    }

    private static Path cgroup(String controller, String id, String file) {
        return Path.of("/sys/fs/cgroup", controller, "berth", id, file);
    }

    @Test
    void pauseFreezesEveryProcessAndResumeThawsThem() throws Exception {
        startWith(j -> {});
        cli.run("pause", id).ok();
        assertThat(status()).isEqualTo("paused");
        assertThat(Files.readString(cgroup("freezer", id, "freezer.state")).trim()).isEqualTo("FROZEN");
        int pid = JSON.readTree(cli.run("state", id).ok().out()).get("pid").asInt();
        // A frozen task sleeps in the freezer, uninterruptibly or in the refrigerator state.
        assertThat(Files.readString(Path.of("/proc/" + pid + "/stat"))).containsPattern("\\) [DS] ");
        var again = cli.run("pause", id);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("berth-runtime: container " + id + " is not running\n");

        cli.run("resume", id).ok();
        assertThat(status()).isEqualTo("running");
        assertThat(Files.readString(cgroup("freezer", id, "freezer.state")).trim()).isEqualTo("THAWED");
    }

    @Test
    void execRunsInTheContainersNamespacesAndCgroupAndPassesTheExitCode() throws Exception {
        startWith(j -> {});
        var r = cli.run("exec", id, "sh", "-c", "hostname; cat /proc/1/comm; echo $$ > /dev/null; exit 5");
        assertThat(r.exit()).isEqualTo(5);
        assertThat(r.out()).isEqualTo("berth-test\nsleep\n");

        var ps = JSON.readTree(cli.run("ps", "--format", "json", id).ok().out());
        assertThat(ps).hasSize(1);
        int pid = JSON.readTree(cli.run("state", id).ok().out()).get("pid").asInt();
        assertThat(ps.get(0).asInt()).isEqualTo(pid);

        var detached = cli.run("exec", "--detach", id, "sleep", "200");
        assertThat(detached.exit()).isZero();
        assertThat(JSON.readTree(cli.run("ps", "--format", "json", id).ok().out())).hasSize(2);

        var missing = cli.run("exec", id, "/no/such/binary");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).startsWith("berth-runtime: ").contains("/no/such/binary");
        // Detached, the error still reaches the caller: nothing is started for a missing program.
        var missingDetached = cli.run("exec", "--detach", id, "no-such-program");
        assertThat(missingDetached.exit()).isEqualTo(1);
        assertThat(missingDetached.err()).startsWith("berth-runtime: exec: ").contains("no-such-program");
        assertThat(JSON.readTree(cli.run("ps", "--format", "json", id).ok().out())).hasSize(2);
    }

    @Test
    void killAllSignalsEveryProcessOfTheContainer() throws Exception {
        startWith(j -> {});
        cli.run("exec", "--detach", id, "sleep", "200").ok();
        var before = JSON.readTree(cli.run("ps", "--format", "json", id).ok().out());
        assertThat(before).hasSize(2);
        cli.run("kill", "--all", id, "KILL").ok();
        for (int i = 0; i < 300 && !status().equals("stopped"); i++) {
            Thread.sleep(10);
        }
        assertThat(status()).isEqualTo("stopped");
        for (JsonNode p : before) {
            Path stat = Path.of("/proc/" + p.asInt() + "/stat");
            assertThat(!Files.exists(stat) || Files.readString(stat).contains(") Z ")).isTrue();
        }
    }

    @Test
    void limitsAreWrittenToTheCgroupAndSeenInside() throws Exception {
        startWith(j -> {
            ObjectNode res = j.withObjectProperty("linux").withObjectProperty("resources");
            res.putObject("memory").put("limit", 64L << 20).put("swap", 64L << 20);
            res.putObject("cpu").put("shares", 512).put("quota", 50000).put("period", 100000);
            res.putObject("pids").put("limit", 20);
        });
        assertThat(Files.readString(cgroup("memory", id, "memory.limit_in_bytes")).trim()).isEqualTo(Long.toString(64L << 20));
        assertThat(Files.readString(cgroup("cpu", id, "cpu.cfs_quota_us")).trim()).isEqualTo("50000");
        assertThat(Files.readString(cgroup("cpu", id, "cpu.shares")).trim()).isEqualTo("512");
        assertThat(Files.readString(cgroup("pids", id, "pids.max")).trim()).isEqualTo("20");

        // Inside, /sys/fs/cgroup shows the container's own cgroup at each hierarchy's root.
        var inside = cli.run("exec", id, "cat", "/sys/fs/cgroup/memory/memory.limit_in_bytes", "/sys/fs/cgroup/pids/pids.max");
        assertThat(inside.ok().out()).isEqualTo((64L << 20) + "\n20\n");

        // The pids limit is enforced: of 30 background sleeps, the ones past the limit cannot fork.
        // busybox sh gives up at the first fork that fails, with exit status 2.
        var forks = cli.run("exec", id, "sh", "-c", "for i in $(seq 30); do sleep 100 & done; echo all-started");
        assertThat(forks.exit()).isEqualTo(2);
        assertThat(forks.out()).isEmpty();
        assertThat(forks.err()).isEqualTo("sh: can't fork: Resource temporarily unavailable\n");
        assertThat(Files.readString(cgroup("pids", id, "pids.events"))).doesNotContain("max 0");

        cli.run("update", "--memory", "128m", "--memory-swap", "128m", "--pids-limit", "40", id).ok();
        assertThat(Files.readString(cgroup("memory", id, "memory.limit_in_bytes")).trim()).isEqualTo(Long.toString(128L << 20));
        assertThat(Files.readString(cgroup("pids", id, "pids.max")).trim()).isEqualTo("40");
    }

    @Test
    void eventsStatsReportsTheCgroupsNumbers() throws Exception {
        startWith(j -> j.withObjectProperty("linux").withObjectProperty("resources").putObject("pids").put("limit", 50));
        JsonNode e = JSON.readTree(cli.run("events", "--stats", id).ok().out());
        assertThat(e.get("type").asText()).isEqualTo("stats");
        assertThat(e.get("id").asText()).isEqualTo(id);
        JsonNode d = e.get("data");
        assertThat(d.get("pids").get("current").asLong()).isEqualTo(1);
        assertThat(d.get("pids").get("limit").asLong()).isEqualTo(50);
        assertThat(d.get("memory").get("usage").get("usage").asLong()).isPositive();
        assertThat(d.get("cpu").get("usage").get("total").asLong()).isPositive();
    }

    @Test
    void aMemoryLimitIsEnforcedWithAnOomKill() throws Exception {
        bundle.args("sh", "-c", "sleep 0.2; x=$(head -c 100000000 /dev/zero | tr '\\0' a); echo survived");
        bundle.json(j -> j.withObjectProperty("linux").withObjectProperty("resources").putObject("memory")
                .put("limit", 16L << 20).put("swap", 16L << 20));
        var r = cli.run("run", "--bundle", bundle.path().toString(), id);
        assertThat(r.out()).doesNotContain("survived");
        assertThat(r.exit()).isEqualTo(137);
    }
}
