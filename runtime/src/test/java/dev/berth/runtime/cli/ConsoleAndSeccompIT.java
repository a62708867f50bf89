package dev.berth.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.linux.testing.RequiresRoot;
import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.OciJson;
import dev.berth.runtime.seccomp.Arch;
import dev.berth.runtime.seccomp.DockerSeccompProfile;
import dev.berth.runtime.testing.Cli;
import dev.berth.runtime.testing.TestBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A terminal handed to the caller through {@code --console-socket} (the pty master arrives by
 * SCM_RIGHTS, as runc's recvtty expects), and Docker's default seccomp profile
 * ({@code docker-default-seccomp.json}) under a busybox shell workload.
 */
@RequiresRoot
class ConsoleAndSeccompIT {
    @TempDir
    Path tmp;

    private Cli cli;
    private TestBundle bundle;
    private final String id = "cs-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp.resolve("state"));
        bundle = TestBundle.busybox(tmp.resolve("bundle")).write();
    }

    @AfterEach
    void tearDown() throws Exception {
        cli.run("delete", "--force", id);
    }

    @Test
    void theConsoleSocketReceivesTheTerminalsMaster() throws Exception {
        Path recvtty = Cli.home().resolve("native/shim/build/tests/recvtty");
        Path socket = tmp.resolve("console.sock");
        Path out = tmp.resolve("tty.out");
        Process receiver = new ProcessBuilder(recvtty.toString(), socket.toString()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            for (int i = 0; i < 200 && !Files.exists(socket); i++) {
                Thread.sleep(10);
            }
            bundle.args("sh", "-c", "tty; stty size; test -t 0 && test -t 1 && test -t 2 && echo all-ttys");
            bundle.json(j -> {
                ObjectNode p = (ObjectNode) j.get("process");
                p.put("terminal", true);
                p.putObject("consoleSize").put("height", 30).put("width", 100);
            });
            var r = cli.run("run", "--console-socket", socket.toString(), "--bundle", bundle.path().toString(), id);
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(receiver.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(Files.readString(out).replace("\r", "")).isEqualTo("""
                    master: /dev/ptmx
                    /dev/pts/0
                    30 100
                    all-ttys
                    """);
        } finally {
            receiver.destroyForcibly();
        }
    }

    @Test
    void aTerminalWithoutAConsoleSocketIsRefusedForCreate() throws Exception {
        bundle.json(j -> ((ObjectNode) j.get("process")).put("terminal", true));
        var r = cli.run("create", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(
                "berth-runtime: cannot allocate tty if berth-runtime will detach without setting console socket\n");
    }

    @Test
    void dockersDefaultProfileRunsAShellAndRefusesWhatItDenies() throws Exception {
        // ps writes to a file, not a pipe: with a pipe, wc may or may not exist yet when ps looks
        // (header, sh and ps: 3 lines).
        String script = "ls /bin/sh; echo a > /tmp/f; cat /tmp/f; ps -o pid,comm > /tmp/ps; wc -l < /tmp/ps; date +%Y >/dev/null && echo date-ok; "
                + "unshare -U true 2>&1 && echo userns-ok; grep Seccomp: /proc/self/status";
        bundle.args("sh", "-c", script);
        bundle.json(j -> ((ObjectNode) j.get("root")).put("readonly", false));
        // Without seccomp an unprivileged user namespace can be made here...
        var plain = cli.run("run", "--bundle", bundle.path().toString(), id);
        assertThat(plain.exit()).as(plain.err()).isZero();
        assertThat(plain.out()).isEqualTo("/bin/sh\na\n3\ndate-ok\nuserns-ok\nSeccomp:\t0\n");

        // ...under Docker's profile (no CAP_SYS_ADMIN: unshare is not allowed) it is refused.
        Linux.Seccomp docker = DockerSeccompProfile.defaultProfile()
                .toOci(new HashSet<>(TestBundle.DEFAULT_CAPS), Arch.host(), DockerSeccompProfile.KernelVersion.host())
                .orElseThrow();
        bundle.json(j -> j.withObjectProperty("linux").set("seccomp", OciJson.mapper().valueToTree(docker)));
        var confined = cli.run("run", "--bundle", bundle.path().toString(), id);
        assertThat(confined.exit()).as(confined.err()).isZero();
        assertThat(confined.out()).isEqualTo(
                "/bin/sh\na\n3\ndate-ok\nunshare: unshare(0x10000000): Operation not permitted\nSeccomp:\t2\n");
    }
}
