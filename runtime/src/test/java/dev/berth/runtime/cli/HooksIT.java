package dev.berth.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * config.md "POSIX-platform Hooks": each hook runs at its point of the lifecycle, in the right
 * namespace, with the container's state (and the right status) on its stdin; a failing or
 * timed-out prestart hook aborts create and leaves nothing behind.
 */
@RequiresRoot
class HooksIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Cli cli;
    private TestBundle bundle;
    private final String id = "hk-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp.resolve("state"));
        bundle = TestBundle.busybox(tmp.resolve("bundle"), "sleep", "300").write();
    }

    @AfterEach
    void tearDown() throws Exception {
        cli.run("delete", "--force", id);
    }

    /** A hook that saves its stdin (the state) and its own view of the world to {@code out}. */
    private static ObjectNode saving(String shell, String out, String extra) {
        ObjectNode h = JSON.createObjectNode();
        h.put("path", shell);
        h.putArray("args").add("sh").add("-c").add("cat > " + out + "; " + extra);
        return h;
    }

    @Test
    void everyHookRunsAtItsPointWithTheStateOnStdin() throws Exception {
        Path host = Files.createDirectories(tmp.resolve("hooks"));
        bundle.json(j -> {
            ((ObjectNode) j.get("root")).put("readonly", false);
            ObjectNode hooks = j.putObject("hooks");
            hooks.putArray("prestart").add(saving("/bin/sh", host + "/prestart", "echo $$ > " + host + "/prestart.pid"));
            hooks.putArray("createRuntime").add(saving("/bin/sh", host + "/createRuntime", "true"));
            // createContainer runs in the container's mount namespace before pivot_root: the
            // host path still resolves, and the proc mount is already the container's.
            hooks.putArray("createContainer").add(saving("/bin/sh", host + "/createContainer",
                    "readlink /proc/self/ns/mnt > " + host + "/createContainer.mntns"));
            // startContainer resolves in the container: busybox's sh, writing into the rootfs.
            hooks.putArray("startContainer").add(saving("/bin/sh", "/tmp/startContainer", "hostname >> /tmp/startContainer"));
            hooks.putArray("poststart").add(saving("/bin/sh", host + "/poststart", "true"));
            hooks.putArray("poststop").add(saving("/bin/sh", host + "/poststop", "true"));
        });
        cli.run("create", "--bundle", bundle.path().toString(), id).ok();
        int pid = JSON.readTree(cli.run("state", id).ok().out()).get("pid").asInt();

        assertStatus(host.resolve("prestart"), "creating", pid);
        assertStatus(host.resolve("createRuntime"), "creating", pid);
        assertStatus(host.resolve("createContainer"), "creating", pid);
        assertThat(Files.readString(host.resolve("createContainer.mntns")).trim())
                .isEqualTo(Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")).toString())
                .isNotEqualTo(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")).toString());
        assertThat(host.resolve("poststart")).doesNotExist();
        assertThat(bundle.rootfs().resolve("tmp/startContainer")).doesNotExist();

        cli.run("start", id).ok();
        assertStatus(host.resolve("poststart"), "running", pid);
        // startContainer runs in the container after start has returned (as in runc): wait for it.
        Path startFile = bundle.rootfs().resolve("tmp/startContainer");
        String start = "";
        for (int i = 0; i < 500 && !start.endsWith("berth-test\n"); i++) {
            Thread.sleep(10);
            start = Files.exists(startFile) ? Files.readString(startFile) : "";
        }
        assertThat(start).endsWith("berth-test\n");
        JsonNode startState = JSON.readTree(start.substring(0, start.lastIndexOf('}') + 1));
        assertThat(startState.get("status").asText()).isEqualTo("created");

        cli.run("kill", id, "KILL").ok();
        waitStopped();
        assertThat(host.resolve("poststop")).doesNotExist();
        cli.run("delete", id).ok();
        assertStatus(host.resolve("poststop"), "stopped", -1);
    }

    @Test
    void aFailingPrestartHookAbortsCreateAndLeavesNothing() throws Exception {
        bundle.json(j -> j.putObject("hooks").putArray("prestart")
                .add(JSON.createObjectNode().put("path", "/bin/sh").set("args",
                        JSON.createArrayNode().add("sh").add("-c").add("exit 7"))));
        var r = cli.run("create", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("berth-runtime: prestart hook #0 /bin/sh: exit status 7\n");
        assertNothingLeft();
    }

    @Test
    void aHookThatOutlivesItsTimeoutIsKilledAndAbortsCreate() throws Exception {
        bundle.json(j -> {
            ObjectNode h = JSON.createObjectNode().put("path", "/bin/sleep").put("timeout", 1);
            ((ArrayNode) h.putArray("args")).add("sleep").add("30");
            j.putObject("hooks").putArray("createRuntime").add(h);
        });
        long t0 = System.nanoTime();
        var r = cli.run("create", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("berth-runtime: createRuntime hook #0 /bin/sleep: timed out after 1s\n");
        assertThat((System.nanoTime() - t0) / 1_000_000_000).isLessThan(30);
        assertNothingLeft();
    }

    @Test
    void aFailingCreateContainerHookIsReportedByTheShimAndLeavesNothing() throws Exception {
        bundle.json(j -> j.putObject("hooks").putArray("createContainer")
                .add(JSON.createObjectNode().put("path", "/bin/false")));
        var r = cli.run("create", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("berth-runtime: createContainer hook #0 /bin/false: ");
        assertThat(r.err().lines().count()).isOne();
        assertNothingLeft();
    }

    private void assertNothingLeft() throws Exception {
        assertThat(cli.root().resolve(id)).doesNotExist();
        assertThat(Leftovers.cgroups(id)).isEmpty();
        assertThat(Leftovers.mounts(bundle.path().toString())).isEmpty();
    }

    private void waitStopped() throws Exception {
        for (int i = 0; i < 300; i++) {
            if (JSON.readTree(cli.run("state", id).ok().out()).get("status").asText().equals("stopped")) {
                return;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("container did not stop");
    }

    private void assertStatus(Path stateFile, String status, int pid) throws Exception {
        JsonNode s = JSON.readTree(Files.readString(stateFile));
        assertThat(s.get("id").asText()).isEqualTo(id);
        assertThat(s.get("status").asText()).isEqualTo(status);
        assertThat(s.get("bundle").asText()).isEqualTo(bundle.path().toString());
        assertThat(s.get("ociVersion").asText()).isNotBlank();
        if (pid > 0) {
            assertThat(s.get("pid").asInt()).isEqualTo(pid);
        }
    }
}
