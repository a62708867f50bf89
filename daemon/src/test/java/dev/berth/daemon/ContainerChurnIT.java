package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.ContainerDaemon;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.linux.MountInfo;
import dev.berth.linux.testing.RequiresRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hundred containers run and removed by eight docker CLIs at once: every one runs, and nothing
 * is left afterwards: no mount, cgroup, shim, bundle, runtime state or container directory.
 */
@RequiresDockerCli
@RequiresRoot
class ContainerChurnIT {
    private static final int CONTAINERS = 100;
    private static final int CLIENTS = 8;

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

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void aHundredConcurrentRunsLeaveNothingBehind() throws Exception {
        List<String> ids = new ArrayList<>();
        try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
            List<Future<DockerCli.Result>> runs = new ArrayList<>();
            for (int i = 0; i < CONTAINERS; i++) {
                String name = "churn-" + i;
                runs.add(clients.submit(() -> docker.run("run", "--rm", "--network", "none", "--name", name,
                        "busybox", "sh", "-c", "cat /proc/self/cgroup | head -1; echo " + name)));
            }
            for (int i = 0; i < CONTAINERS; i++) {
                DockerCli.Result r = runs.get(i).get();
                assertThat(r.exit()).as(r.err()).isZero();
                List<String> lines = r.out().lines().toList();
                assertThat(lines).as("run %d: stderr %s; daemon log:%n%s", i, r.err(), daemon.log())
                        .hasSize(2).last().isEqualTo("churn-" + i);
                ids.add(lines.getFirst().substring(lines.getFirst().lastIndexOf('/') + 1));
            }
        }
        assertThat(ids).doesNotHaveDuplicates().allMatch(id -> id.matches("[0-9a-f]{64}"), "a container id");

        assertThat(docker.run("ps", "-a", "--format", "{{.ID}} {{.Names}} {{.Status}}").ok().out())
                .as(daemon.log()).isBlank();
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();
        assertThat(entries(daemon.dataRoot.resolve("containers"))).isEmpty();
        assertThat(entries(daemon.execRoot.resolve("containers"))).isEmpty();
        assertThat(entries(daemon.execRoot.resolve("runtime"))).isEmpty();
        assertThat(children(daemon.pid())).as("no shim left").isEmpty();
        try (Stream<Path> controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path controller : controllers.toList()) {
                for (String id : ids) {
                    assertThat(controller.resolve("berth").resolve(id)).doesNotExist();
                }
            }
        }
    }

    private static List<Path> entries(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    /** The processes whose parent is {@code pid}. */
    private static List<String> children(long pid) throws Exception {
        List<String> out = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                String c = Files.readString(task.resolve("children")).trim();
                if (!c.isEmpty()) {
                    out.addAll(List.of(c.split(" ")));
                }
            }
        }
        return out;
    }
}
