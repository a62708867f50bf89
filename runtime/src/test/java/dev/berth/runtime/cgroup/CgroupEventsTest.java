package dev.berth.runtime.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.linux.Signals;
import dev.berth.linux.testing.RequiresRoot;
import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.OciJson;
import dev.berth.runtime.ProcInfo;
import dev.berth.runtime.cli.Main;
import dev.berth.runtime.state.ContainerRecord;
import dev.berth.runtime.state.StateStore;
import dev.berth.runtime.testing.Leftovers;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berth-runtime events} through {@link Main}, on a stand-in container: a real process in a
 * real v1 cgroup, and the state record a {@code create} would have written for it. (A real
 * {@code create} needs the shim; this tests what {@code events} adds: the JSON and the OOM watch.)
 */
@RequiresRoot
@Timeout(60)
class CgroupEventsTest {
    private static final long MB = 1L << 20;
    private final String id = "berth-test-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);

    @TempDir
    Path root;

    private CgroupLayout layout;
    private String unifiedRootBefore;
    private CgroupManager cg;
    private Process init;

    @BeforeEach
    void container() throws Exception {
        layout = CgroupLayout.host();
        assumeFalse(layout.isUnified(), "needs cgroup v1 hierarchies; this host is pure cgroup v2");
        unifiedRootBefore = CgroupV1ManagerTest.subtreeControl(layout);
        cg = layout.manager("/" + id);
        cg.create(new Linux.Resources(null, new Linux.Memory(16 * MB, null, 16 * MB, null, null, null, null, null, null),
                null, new Linux.Pids(50), null, null, null, null, null));
        // Once in its cgroup it does some work on "work", then on "go" allocates beyond its limit,
        // and the OOM killer ends the container.
        // It says "worked" once the work's own processes have ended.
        init = new ProcessBuilder("/bin/sh", "-c", "read work; x=$(head -c 1m /dev/zero | tr '\\0' a); echo worked;"
                + " read go; sleep 0.5; exec dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        cg.add((int) init.pid());
        StateStore store = new StateStore(root);
        store.reserve(id);
        store.save(new ContainerRecord(id, "/nonexistent", "/nonexistent/rootfs", (int) init.pid(),
                ProcInfo.startTime((int) init.pid()), "2026-01-01T00:00:00Z", "", "/" + id, false, null));
    }

    @AfterEach
    void remove() throws Exception {
        try {
            cg.kill(Signals.SIGKILL);
            init.destroyForcibly();
            init.waitFor(10, TimeUnit.SECONDS);
            for (int i = 0; i < 500 && !cg.pids().isEmpty(); i++) {
                Thread.sleep(10);
            }
        } finally {
            cg.destroy();
            CgroupV1ManagerTest.restoreSubtreeControl(layout, unifiedRootBefore);
        }
        assertThat(Leftovers.cgroups(id)).isEmpty();
    }

    @Test
    void statsPrintsOneEventWithRuncsFieldNames() throws Exception {
        send("work");
        // the work is a pipeline of its own processes: wait for them to end, however loaded the host
        assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(init.getInputStream(),
                StandardCharsets.US_ASCII)).readLine()).isEqualTo("worked");
        Result r = events("--stats");
        assertThat(r.exit).isZero();
        List<JsonNode> events = r.lines();
        assertThat(events).hasSize(1);
        JsonNode e = events.getFirst();
        assertThat(e.get("type").asText()).isEqualTo("stats");
        assertThat(e.get("id").asText()).isEqualTo(id);
        JsonNode d = e.get("data");
        assertThat(d.fieldNames()).toIterable().containsExactly("cpu", "memory", "pids", "blkio", "hugetlb");
        assertThat(d.at("/cpu/usage/total").asLong()).isPositive();
        assertThat(d.at("/cpu/usage/percpu")).hasSizeGreaterThanOrEqualTo(1);
        assertThat(d.at("/cpu/usage").has("kernel")).isTrue();
        assertThat(d.at("/cpu/usage").has("user")).isTrue();
        assertThat(d.at("/cpu/throttling").isObject()).isTrue();
        assertThat(d.at("/memory/usage/limit").asLong()).isEqualTo(16 * MB);
        assertThat(d.at("/memory/usage/usage").asLong()).isPositive();
        assertThat(d.at("/memory/usage").has("failcnt")).isTrue();
        assertThat(d.at("/memory/swap/limit").asLong()).isEqualTo(16 * MB);
        assertThat(d.at("/memory/raw/rss").isNumber()).isTrue();
        assertThat(d.at("/pids/current").asLong()).isEqualTo(1);
        assertThat(d.at("/pids/limit").asLong()).isEqualTo(50);
    }

    @Test
    void withoutStatsItStreamsUntilTheContainerStopsAndReportsTheOomKill() throws Exception {
        send("work");
        send("go");
        Result r = events("--interval", "100ms");
        assertThat(r.exit).isZero();
        List<JsonNode> events = r.lines();
        assertThat(events).extracting(e -> e.get("type").asText()).contains("stats").endsWith("oom");
        assertThat(events.getLast().get("id").asText()).isEqualTo(id);
        assertThat(events.getLast().has("data")).isFalse();
        assertThat(init.exitValue()).isEqualTo(128 + Signals.SIGKILL);
    }

    @Test
    void badIntervalsAreRefusedAsRuncRefusesThem() throws Exception {
        assertThat(events("--interval", "0s").err).contains("duration interval must be greater than 0");
        assertThat(events("--interval", "fast").err)
                .contains("invalid value \"fast\" for flag -interval: time: invalid duration \"fast\"");
    }

    private record Result(int exit, String out, String err) {
        List<JsonNode> lines() throws Exception {
            ObjectMapper m = OciJson.mapper();
            List<JsonNode> out = new java.util.ArrayList<>();
            for (String l : this.out.split("\n")) {
                if (!l.isBlank()) {
                    out.add(m.readTree(l));
                }
            }
            return out;
        }
    }

    private void send(String line) throws java.io.IOException {
        init.getOutputStream().write((line + "\n").getBytes(StandardCharsets.US_ASCII));
        init.getOutputStream().flush();
    }

    private Result events(String... flags) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        var o = new ByteArrayOutputStream();
        var e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            String[] args = new String[flags.length + 4];
            args[0] = "--root";
            args[1] = root.toString();
            args[2] = "events";
            System.arraycopy(flags, 0, args, 3, flags.length);
            args[args.length - 1] = id;
            int exit = Main.execute(args);
            return new Result(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
