package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.ContainerDaemon;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.linux.testing.RequiresRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The options of {@code docker run} as the container sees them, through the real docker CLI on a
 * real berthd: its process settings, its filesystem, its kernel settings, and its resources as
 * the host's cgroup v1 files hold them. Each check reads the effect, not the configuration.
 */
@RequiresDockerCli
@RequiresRoot
class RunOptionsIT {
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
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
    }

    /** {@code docker run --rm --network none <options> busybox sh -c <script>}: its output, which must succeed. */
    private static String run(String script, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "--rm", "--network", "none"));
        args.addAll(List.of(options));
        args.addAll(List.of("busybox", "sh", "-c", script));
        DockerCli.Result r = docker.run(args.toArray(String[]::new));
        assertThat(r.exit()).as("docker %s: %s", args, r.err()).isZero();
        return r.out();
    }

    @Test
    void processOptions() throws Exception {
        Path envFile = Files.writeString(dir.resolve("env.list"), "# a comment\nFROM_FILE=yes\nEMPTY=\n");
        assertThat(run("echo $GREETING $FROM_FILE; pwd", "-e", "GREETING=hi", "--env-file", envFile.toString(),
                "-w", "/made/for/it")).isEqualTo("hi yes\n/made/for/it\n");
        assertThat(run("ls -ld /made/for/it | cut -c1-10", "-w", "/made/for/it")).isEqualTo("drwxr-xr-x\n");
        DockerCli.Result notDir = docker.run("run", "--rm", "--network", "none", "-w", "/etc/passwd", "busybox", "true");
        assertThat(notDir.exit()).isNotZero();
        assertThat(notDir.err()).contains("Cannot mkdir: /etc/passwd is not a directory");
        assertThat(run("id -u; id -g", "-u", "1000:1001")).isEqualTo("1000\n1001\n");
        assertThat(run("hostname", "--hostname", "berthbox")).isEqualTo("berthbox\n");
        DockerCli.Result entry = docker.run("run", "--rm", "--network", "none", "--entrypoint", "echo", "busybox",
                "from", "the", "entrypoint");
        assertThat(entry.ok().out()).isEqualTo("from the entrypoint\n");

        docker.run("create", "--network", "none", "--name", "labelled", "-l", "tier=web", "--stop-signal", "USR1",
                "--stop-timeout", "3", "busybox", "true").ok();
        JsonNode config = inspect("labelled").get("Config");
        assertThat(config.at("/Labels/tier").asText()).isEqualTo("web");
        assertThat(config.get("StopSignal").asText()).isEqualTo("USR1");
        assertThat(config.get("StopTimeout").asInt()).isEqualTo(3);
        assertThat(docker.run("ps", "-a", "--filter", "label=tier=web", "--format", "{{.Names}}").ok().out())
                .isEqualTo("labelled\n");
    }

    @Test
    void filesystemOptions() throws Exception {
        // --read-only: the root cannot be written, a --tmpfs on it can
        DockerCli.Result readOnly = docker.run("run", "--rm", "--network", "none", "--read-only", "--tmpfs",
                "/scratch:size=1m", "busybox", "sh", "-c", "touch /scratch/ok && echo tmpfs ok; touch /nope");
        assertThat(readOnly.out()).isEqualTo("tmpfs ok\n");
        assertThat(readOnly.err()).contains("Read-only file system");
        assertThat(readOnly.exit()).isNotZero();
        assertThat(run("grep ' /scratch ' /proc/mounts", "--tmpfs", "/scratch:size=1m"))
                .startsWith("tmpfs /scratch tmpfs rw").contains("size=1024k");
        // --shm-size: /dev/shm is a tmpfs of that size (64 MiB by default, as in Docker)
        assertThat(run("grep ' /dev/shm ' /proc/mounts")).contains("size=65536k");
        assertThat(run("grep ' /dev/shm ' /proc/mounts", "--shm-size", "16m")).contains("size=16384k");
        // a bind mount, read-only inside
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Files.writeString(shared.resolve("note"), "from the host\n");
        DockerCli.Result bind = docker.run("run", "--rm", "--network", "none", "-v", shared + ":/shared:ro",
                "busybox", "sh", "-c", "cat /shared/note; echo x > /shared/new");
        assertThat(bind.out()).isEqualTo("from the host\n");
        assertThat(bind.err()).contains("Read-only file system");
        assertThat(shared.resolve("new")).doesNotExist();
        // what a container writes to its own layer is gone with it
        docker.run("run", "--network", "none", "--name", "writer", "busybox", "sh", "-c", "echo kept > /data").ok();
        Path upper = Path.of(inspect("writer").at("/GraphDriver/Data/UpperDir").asText());
        assertThat(upper.resolve("data")).hasContent("kept");
        docker.run("rm", "writer").ok();
        assertThat(upper).doesNotExist();
    }

    @Test
    void kernelOptions() throws Exception {
        assertThat(run("cat /proc/sys/net/ipv4/ip_unprivileged_port_start", "--sysctl",
                "net.ipv4.ip_unprivileged_port_start=80")).isEqualTo("80\n");
        assertThat(run("ulimit -n; ulimit -Hn", "--ulimit", "nofile=100:200")).isEqualTo("100\n200\n");
        assertThat(run("cat /proc/self/oom_score_adj", "--oom-score-adj", "500")).isEqualTo("500\n");
        // a device node made in the container's /dev, under the name asked for
        assertThat(run("ls -l /dev/hostnull | cut -c1; echo x > /dev/hostnull && echo written", "--device",
                "/dev/null:/dev/hostnull")).isEqualTo("c\nwritten\n");
        // capabilities: NET_ADMIN (bit 12) added, CHOWN (bit 0) dropped from Docker's a80425fb
        assertThat(run("grep CapEff /proc/self/status", "--cap-add", "NET_ADMIN", "--cap-drop", "CHOWN"))
                .contains("00000000a80435fa");
        DockerCli.Result chown = docker.run("run", "--rm", "--network", "none", "--cap-drop", "CHOWN", "busybox",
                "chown", "1:1", "/etc/passwd");
        assertThat(chown.exit()).isNotZero();
        assertThat(chown.err()).contains("Operation not permitted");
        assertThat(run("grep NoNewPrivs /proc/self/status", "--security-opt", "no-new-privileges"))
                .contains("NoNewPrivs:\t1");
        assertThat(run("grep Seccomp: /proc/self/status", "--security-opt", "seccomp=unconfined"))
                .contains("Seccomp:\t0");
    }

    @Test
    void resourceOptionsReachTheContainersCgroups() throws Exception {
        docker.run("run", "-d", "--network", "none", "--name", "limited", "--memory", "64m", "--memory-swap", "128m",
                "--cpus", "0.5", "--cpu-shares", "512", "--cpuset-cpus", "0", "--pids-limit", "50", "busybox",
                "sleep", "30").ok();
        int pid = inspect("limited").at("/State/Pid").asInt();
        assertThat(cgroupFile(pid, "memory", "memory.limit_in_bytes")).isEqualTo(Long.toString(64L << 20));
        assertThat(cgroupFile(pid, "memory", "memory.memsw.limit_in_bytes")).isEqualTo(Long.toString(128L << 20));
        assertThat(cgroupFile(pid, "cpu", "cpu.cfs_quota_us")).isEqualTo("50000");
        assertThat(cgroupFile(pid, "cpu", "cpu.cfs_period_us")).isEqualTo("100000");
        assertThat(cgroupFile(pid, "cpu", "cpu.shares")).isEqualTo("512");
        assertThat(cgroupFile(pid, "cpuset", "cpuset.cpus")).isEqualTo("0");
        assertThat(cgroupFile(pid, "pids", "pids.max")).isEqualTo("50");
        JsonNode hc = inspect("limited").get("HostConfig");
        assertThat(hc.get("Memory").asLong()).isEqualTo(64L << 20);
        assertThat(hc.get("NanoCpus").asLong()).isEqualTo(500_000_000L);
        // the cgroups go with the container
        Path memory = cgroupDir(pid, "memory");
        docker.run("rm", "-f", "limited").ok();
        assertThat(memory).doesNotExist();
    }

    @Test
    void badOptionValuesAreRefusedInDockersWords() throws Exception {
        DockerCli.Result memory = docker.run("run", "--rm", "--network", "none", "--memory", "1m", "busybox", "true");
        assertThat(memory.exit()).isNotZero();
        assertThat(memory.err()).contains("Minimum memory limit allowed is 6MB");
        DockerCli.Result cpuset = docker.run("run", "--rm", "--network", "none", "--cpuset-cpus", "99", "busybox", "true");
        assertThat(cpuset.exit()).isNotZero();
        assertThat(cpuset.err()).contains("Requested CPUs are not available - requested 99");
        DockerCli.Result sysctl = docker.run("run", "--rm", "--network", "none", "--sysctl", "kernel.panic=1",
                "busybox", "true");
        assertThat(sysctl.exit()).isNotZero();
        assertThat(sysctl.err()).contains("kernel.panic").doesNotContain("Exception");
        assertThat(docker.run("ps", "-aq").ok().out()).isBlank();
    }

    private static Path cgroupDir(int pid, String controller) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            if (List.of(f[1].split(",")).contains(controller)) {
                return Path.of("/sys/fs/cgroup/" + controller + f[2]);
            }
        }
        throw new AssertionError("no " + controller + " cgroup for " + pid);
    }

    private static String cgroupFile(int pid, String controller, String file) throws Exception {
        return Files.readString(cgroupDir(pid, controller).resolve(file)).trim();
    }

    private static JsonNode inspect(String name) throws Exception {
        return JSON.readTree(docker.run("inspect", "--type", "container", name).ok().out()).get(0);
    }
}
