package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.api.container.RunningContainerBackend;
import dev.berth.daemon.http.ApiException;
import dev.berth.runtime.cgroup.CgroupStats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure parts of top, stats and update: ps's table, a stats sample, an update laid over a host config. */
class RunningContainersTest {
    @TempDir
    Path dir;

    @Test
    void topKeepsTheContainersRowsAndTheCommandsSpaces() {
        String ps = """
                UID          PID    PPID  C STIME TTY          TIME CMD
                root           1       0  0 12:00 ?        00:00:01 /sbin/init
                root        4242    4200  0 12:01 ?        00:00:00 sleep 1000 --flag
                root        4243    4242  0 12:01 ?        00:00:00 sh
                """;
        RunningContainerBackend.Top top = ContainerTop.parse(ps, Set.of(4242, 4243));
        assertThat(top.titles()).containsExactly("UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD");
        assertThat(top.processes()).containsExactly(
                List.of("root", "4242", "4200", "0", "12:01", "?", "00:00:00", "sleep 1000 --flag"),
                List.of("root", "4243", "4242", "0", "12:01", "?", "00:00:00", "sh"));
    }

    @Test
    void topWithoutAPidColumnIsRefusedInDockerdsWords() {
        assertThatThrownBy(() -> ContainerTop.parse("USER COMMAND\nroot sh\n", Set.of(1)))
                .isInstanceOf(ApiException.class).hasMessage("Couldn't find PID field in ps output");
    }

    @Test
    void aStatsSampleCarriesThePreviousCpuAndTheHostsMemoryForNoLimit() throws Exception {
        CgroupStats stats = new CgroupStats(
                new CgroupStats.Cpu(5_000_000, 3_000_000, 2_000_000, List.of(2_500_000L, 2_500_000L), List.of(), List.of(),
                        new CgroupStats.Throttling(0, 0, 0)),
                new CgroupStats.Memory(0, 4096, new CgroupStats.MemoryEntry(1 << 20, 2 << 20, 9223372036854771712L, 0),
                        null, null, null, 0, Map.of("total_inactive_file", 4096L)),
                new CgroupStats.Pids(2, -1), new CgroupStats.Blkio(List.of(), List.of()), Map.of());
        StatsSample.Host host = new StatsSample.Host(1_000_000_000L, 2, 8L << 30);
        Map<String, Object> first = StatsSample.of("abc", "/web", Instant.parse("2026-01-01T00:00:00Z"), stats, host, null);
        Map<String, Object> second = StatsSample.of("abc", "/web", Instant.parse("2026-01-01T00:00:01Z"), stats, host,
                first);
        assertThat(second.get("precpu_stats")).isEqualTo(first.get("cpu_stats"));
        assertThat(second.get("preread")).isEqualTo("2026-01-01T00:00:00Z");
        @SuppressWarnings("unchecked")
        Map<String, Object> memory = (Map<String, Object>) first.get("memory_stats");
        assertThat(memory.get("limit")).isEqualTo(8L << 30);
        assertThat(memory.get("usage")).isEqualTo(1L << 20);
        @SuppressWarnings("unchecked")
        Map<String, Object> pids = (Map<String, Object>) first.get("pids_stats");
        assertThat(pids).containsExactly(Map.entry("current", 2L));
        assertThat(first).doesNotContainKey("networks");
    }

    @Test
    void theHostsCpuTimeIsTheSumOfTheFirstEightColumnsOfProcStat() throws Exception {
        Path stat = Files.writeString(dir.resolve("stat"), "cpu  100 1 50 1000 5 0 2 0 7 0\ncpu0 50 0 25 500 2 0 1 0 0 0\n");
        assertThat(StatsSample.systemCpu(stat)).isEqualTo(1158L * 10_000_000L);
        Path meminfo = Files.writeString(dir.resolve("meminfo"), "MemTotal:       24684000 kB\nMemFree: 1 kB\n");
        assertThat(StatsSample.memTotal(meminfo)).isEqualTo(24684000L * 1024);
    }

    private static byte[] body(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static HostConfig limited(long memory) throws Exception {
        return dev.berth.daemon.http.Json.MAPPER.readValue("{\"Memory\":" + memory + ",\"CpuShares\":512}", HostConfig.class);
    }

    @Test
    void anUpdateChangesWhatItGivesAndZerosChangeNothing() throws Exception {
        // the docker CLI sends every field; only memory was given here
        HostConfig next = ContainerUpdate.apply(limited(32 << 20), body("""
                {"BlkioWeight":0,"CpuShares":0,"CpusetCpus":"","Memory":50331648,"MemorySwap":0,"PidsLimit":null,
                 "RestartPolicy":{"Name":"","MaximumRetryCount":0}}"""), 2);
        assertThat(next.memory()).isEqualTo(48L << 20);
        assertThat(next.memorySwap()).as("the swap create derived from the old limit stays").isEqualTo(64L << 20);
        assertThat(next.cpuShares()).isEqualTo(512);
        assertThat(next.restartPolicy()).isNull();

        HostConfig policy = ContainerUpdate.apply(next, body("{\"RestartPolicy\":{\"Name\":\"on-failure\",\"MaximumRetryCount\":3},\"PidsLimit\":100}"), 2);
        assertThat(policy.restartPolicy()).isEqualTo(new HostConfig.RestartPolicy("on-failure", 3));
        assertThat(policy.pidsLimit()).isEqualTo(100);
        assertThat(policy.memory()).isEqualTo(48L << 20);
    }

    @Test
    void anUpdateIsRefusedWhereDockerdRefusesIt() throws Exception {
        assertThatThrownBy(() -> ContainerUpdate.apply(limited(32 << 20), body("{\"Memory\":134217728}"), 2))
                .hasMessage("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at"
                        + " the same time");
        assertThatThrownBy(() -> ContainerUpdate.apply(limited(32 << 20), body("{\"Memory\":1024,\"MemorySwap\":-1}"), 2))
                .hasMessage("Minimum memory limit allowed is 6MB");
        assertThatThrownBy(() -> ContainerUpdate.apply(limited(32 << 20), body("{\"RestartPolicy\":{\"Name\":\"sometimes\"}}"), 2))
                .hasMessageStartingWith("invalid restart policy: unknown policy 'sometimes'");
        HostConfig rm = dev.berth.daemon.http.Json.MAPPER.readValue("{\"AutoRemove\":true}", HostConfig.class);
        assertThatThrownBy(() -> ContainerUpdate.apply(rm, body("{\"RestartPolicy\":{\"Name\":\"always\"}}"), 2))
                .hasMessage("Restart policy cannot be updated because AutoRemove is enabled for the container");
        assertThatThrownBy(() -> ContainerUpdate.apply(rm, body("[1]"), 2)).hasMessageStartingWith("invalid JSON");
    }
}
