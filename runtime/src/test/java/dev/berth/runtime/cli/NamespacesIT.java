package dev.berth.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.linux.testing.RequiresRoot;
import dev.berth.runtime.testing.Cli;
import dev.berth.runtime.testing.TestBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config-linux.md from inside the container: user namespaces with id mappings, joining another
 * process's namespace by path, time and cgroup namespaces, personality, domainname, umask,
 * oom_score_adj, extra devices and the device cgroup, --no-pivot, and the shim running from a
 * sealed memfd (CVE-2019-5736).
 */
@RequiresRoot
class NamespacesIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Cli cli;
    private TestBundle bundle;
    private final String id = "ns-" + UUID.randomUUID().toString().substring(0, 8);
    private final String other = id + "-b";

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp.resolve("state"));
        bundle = TestBundle.busybox(tmp.resolve("bundle")).write();
    }

    @AfterEach
    void tearDown() throws Exception {
        cli.run("delete", "--force", id);
        cli.run("delete", "--force", other);
    }

    private String inside(String script) throws Exception {
        bundle.args("sh", "-c", script);
        var r = cli.run("run", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).as("exit of %s; stderr: %s", script, r.err()).isZero();
        return r.out().trim();
    }

    private static ArrayNode namespaces(ObjectNode j) {
        return (ArrayNode) j.withObjectProperty("linux").get("namespaces");
    }

    @Test
    void aUserNamespaceMapsRootToAnUnprivilegedHostId() throws Exception {
        // The mapped root must be able to reach the bundle, as with runc: JUnit's temp dir is 0700.
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        bundle.json(j -> {
            namespaces(j).addObject().put("type", "user");
            j.withObjectProperty("linux").putArray("uidMappings").addObject().put("containerID", 0).put("hostID", 100000).put("size", 65536);
            j.withObjectProperty("linux").putArray("gidMappings").addObject().put("containerID", 0).put("hostID", 100000).put("size", 65536);
        });
        String out = inside("id -u; cat /proc/self/uid_map /proc/self/gid_map | tr -s ' '; stat -c %u /bin/busybox");
        // The rootfs belongs to host root, which is not mapped: it shows as the overflow uid.
        assertThat(out).isEqualTo("0\n 0 100000 65536\n 0 100000 65536\n65534");
    }

    @Test
    void aNamespaceGivenByPathIsJoined() throws Exception {
        TestBundle first = TestBundle.busybox(tmp.resolve("first"), "sleep", "300").write();
        first.json(j -> j.put("hostname", "first-host"));
        cli.run("create", "--bundle", first.path().toString(), other).ok();
        int pid = JSON.readTree(cli.run("state", other).ok().out()).get("pid").asInt();
        bundle.json(j -> {
            for (var ns : namespaces(j)) {
                if (ns.get("type").asText().equals("uts")) {
                    ((ObjectNode) ns).put("path", "/proc/" + pid + "/ns/uts");
                }
            }
            j.remove("hostname");
        });
        assertThat(inside("hostname; readlink /proc/self/ns/uts"))
                .isEqualTo("first-host\n" + Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/uts")));
    }

    @Test
    void timeAndCgroupNamespaces() throws Exception {
        bundle.json(j -> {
            namespaces(j).addObject().put("type", "time");
            namespaces(j).addObject().put("type", "cgroup");
            j.withObjectProperty("linux").putObject("timeOffsets").putObject("boottime").put("secs", 10L * 86400).put("nanosecs", 0);
        });
        String out = inside("cut -d. -f1 /proc/uptime; grep ':memory:' /proc/self/cgroup | cut -d: -f3");
        String[] lines = out.split("\n");
        double hostUptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
        assertThat(Long.parseLong(lines[0])).isGreaterThanOrEqualTo(10L * 86400).isGreaterThan((long) hostUptime);
        assertThat(lines[1]).isEqualTo("/");
    }

    @Test
    void personalityDomainnameUmaskAndOomScoreAdj() throws Exception {
        bundle.json(j -> {
            j.put("domainname", "example.org");
            j.withObjectProperty("linux").putObject("personality").put("domain", "LINUX32");
            ObjectNode p = (ObjectNode) j.get("process");
            p.put("oomScoreAdj", 500);
            ((ObjectNode) p.get("user")).put("umask", 077);
        });
        assertThat(inside("uname -m; cat /proc/sys/kernel/domainname; umask; cat /proc/self/oom_score_adj"))
                .isEqualTo("i686\nexample.org\n0077\n500");
    }

    @Test
    void extraDevicesAreCreatedAndTheDeviceCgroupGuardsTheRest() throws Exception {
        bundle.json(j -> j.withObjectProperty("linux").putArray("devices").addObject().put("path", "/dev/mynull")
                .put("type", "c").put("major", 1).put("minor", 3).put("fileMode", 0640).put("uid", 0).put("gid", 0));
        String out = inside("ls -l /dev/mynull | awk '{print $1, $5, $6}'; echo x > /dev/mynull && echo listed-ok; "
                + "mknod /dev/mem2 c 1 1 && head -c1 /dev/mem2 2>&1 | sed 's/.*: //'");
        // A listed device is usable; a node the container makes itself (mknod is allowed, as in
        // runc) cannot be opened: the device cgroup denies everything else.
        assertThat(out).isEqualTo("crw-r----- 1, 3\nlisted-ok\nOperation not permitted");
    }

    @Test
    void noPivotUsesChrootAndStillConfinesTheRoot() throws Exception {
        bundle.args("sh", "-c", "ls /; cat /proc/self/mountinfo | wc -l");
        var r = cli.run("run", "--no-pivot", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("bin\n").contains("proc\n").doesNotContain("home\n");
    }

    @Test
    void theMonitoringShimRunsFromASealedMemfd() throws Exception {
        bundle.args("sleep", "300");
        Process run = new ProcessBuilder(Cli.launcher().toString(), "--root", cli.root().toString(), "run",
                "--bundle", bundle.path().toString(), id).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("run.log").toFile()).start();
        try {
            int pid = 0;
            for (int i = 0; i < 500 && pid == 0; i++) {
                var s = cli.run("state", id);
                if (s.exit() == 0 && JSON.readTree(s.out()).get("status").asText().equals("running")) {
                    pid = JSON.readTree(s.out()).get("pid").asInt();
                } else {
                    Thread.sleep(10);
                }
            }
            assertThat(pid).as(Files.readString(tmp.resolve("run.log"))).isPositive();
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            int ppid = Integer.parseInt(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
            assertThat(Files.readSymbolicLink(Path.of("/proc/" + ppid + "/exe")).toString()).startsWith("/memfd:");
            // And the container cannot see the shim at all: its pid namespace starts at itself.
            cli.run("kill", id, "KILL").ok();
            assertThat(run.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(run.exitValue()).isEqualTo(137);
        } finally {
            run.destroyForcibly();
        }
    }
}
