package dev.berth.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * The lifecycle of runtime.md through the real CLI: create leaves the process waiting, start
 * releases it, state follows, kill and delete end it, and after delete nothing remains.
 */
@RequiresRoot
class LifecycleIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Cli cli;
    private TestBundle bundle;
    private final String id = "lc-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp.resolve("state"));
        bundle = TestBundle.busybox(tmp.resolve("bundle"), "sleep", "300").write();
    }

    @AfterEach
    void tearDown() throws Exception {
        cli.run("delete", "--force", id);
    }

    private JsonNode state() throws Exception {
        return JSON.readTree(cli.run("state", id).ok().out());
    }

    @Test
    void createStartKillDelete() throws Exception {
        Path pidFile = tmp.resolve("pid");
        cli.run("create", "--bundle", bundle.path().toString(), "--pid-file", pidFile.toString(), id).ok();

        JsonNode created = state();
        assertThat(created.get("status").asText()).isEqualTo("created");
        assertThat(created.get("id").asText()).isEqualTo(id);
        assertThat(created.get("bundle").asText()).isEqualTo(bundle.path().toString());
        int pid = created.get("pid").asInt();
        assertThat(pid).isPositive();
        assertThat(Files.readString(pidFile)).isEqualTo(Integer.toString(pid));
        // Before start, the process is still the shim waiting on the exec fifo, not sleep.
        assertThat(Files.readString(Path.of("/proc/" + pid + "/comm")).trim()).isNotEqualTo("sleep");

        cli.run("start", id).ok();
        assertThat(state().get("status").asText()).isEqualTo("running");
        assertThat(Files.readString(Path.of("/proc/" + pid + "/comm")).trim()).isEqualTo("sleep");

        JsonNode list = JSON.readTree(cli.run("list", "--format", "json").ok().out());
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("id").asText()).isEqualTo(id);

        var second = cli.run("start", id);
        assertThat(second.exit()).isEqualTo(1);
        assertThat(second.err()).isEqualTo("berth-runtime: cannot start an already running container\n");

        var notStopped = cli.run("delete", id);
        assertThat(notStopped.exit()).isEqualTo(1);
        assertThat(notStopped.err()).contains("that is not stopped: running");

        cli.run("kill", id, "KILL").ok();
        for (int i = 0; i < 200 && !state().get("status").asText().equals("stopped"); i++) {
            Thread.sleep(10);
        }
        assertThat(state().get("status").asText()).isEqualTo("stopped");
        assertThat(state().get("pid").asInt()).isZero();

        cli.run("delete", id).ok();
        assertThat(cli.run("state", id).err()).isEqualTo("berth-runtime: container " + id + " does not exist\n");
        assertThat(Files.exists(cli.root().resolve(id))).isFalse();
        assertThat(Leftovers.cgroups(id)).isEmpty();
        assertThat(Leftovers.mounts(bundle.path().toString())).isEmpty();
    }

    @Test
    void runPassesTheExitCodeAndOutputThrough() throws Exception {
        bundle.args("sh", "-c", "echo out; echo err >&2; exit 3");
        var r = cli.run("run", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("out\n");
        assertThat(r.err()).isEqualTo("err\n");
        // run deletes the container when it ends
        assertThat(Files.exists(cli.root().resolve(id))).isFalse();
        assertThat(Leftovers.cgroups(id)).isEmpty();
    }

    @Test
    void runReportsDeathBySignalAs128PlusTheSignal() throws Exception {
        // Without a pid namespace: as pid 1 of its own namespace the shell could not kill itself.
        bundle.args("sh", "-c", "kill -9 $$");
        bundle.json(j -> {
            var ns = (com.fasterxml.jackson.databind.node.ArrayNode) j.withObjectProperty("linux").get("namespaces");
            for (int i = ns.size() - 1; i >= 0; i--) {
                if (ns.get(i).get("type").asText().equals("pid")) {
                    ns.remove(i);
                }
            }
        });
        assertThat(cli.run("run", "--bundle", bundle.path().toString(), id).exit()).isEqualTo(137);
    }

    @Test
    void runPassesStdinToTheContainer() throws Exception {
        bundle.args("cat");
        var r = cli.run("hello\n".getBytes(), "run", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("hello\n");
    }

    @Test
    void deleteOfACreatedContainerKillsItsWaitingProcess() throws Exception {
        cli.run("create", "--bundle", bundle.path().toString(), id).ok();
        int pid = state().get("pid").asInt();
        cli.run("delete", id).ok();
        assertThat(Files.exists(Path.of("/proc/" + pid + "/comm"))
                && !Files.readString(Path.of("/proc/" + pid + "/stat")).contains(") Z")).isFalse();
        assertThat(Leftovers.cgroups(id)).isEmpty();
    }

    @Test
    void idsAreCheckedAndTakenOnce() throws Exception {
        cli.run("create", "--bundle", bundle.path().toString(), id).ok();
        var again = cli.run("create", "--bundle", bundle.path().toString(), id);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("berth-runtime: container with id " + id + " already exists\n");
        var bad = cli.run("create", "--bundle", bundle.path().toString(), "../x");
        assertThat(bad.err()).isEqualTo("berth-runtime: invalid container id format: ../x\n");
    }
}
