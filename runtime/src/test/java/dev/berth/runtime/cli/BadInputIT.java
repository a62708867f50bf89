package dev.berth.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.linux.testing.RequiresRoot;
import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.testing.Cli;
import dev.berth.runtime.testing.Leftovers;
import dev.berth.runtime.testing.TestBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad bundles are refused with one line and exit code 1, before anything is created; a failure
 * midway (a mount that fails in the child) leaves nothing behind either.
 */
@RequiresRoot
class BadInputIT {
    @TempDir
    Path tmp;

    private Cli cli;
    private TestBundle bundle;
    private final String id = "bad-" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void setUp() throws Exception {
        cli = new Cli(tmp.resolve("state"));
        bundle = TestBundle.busybox(tmp.resolve("bundle"), "true").write();
    }

    @AfterEach
    void tearDown() throws Exception {
        cli.run("delete", "--force", id);
    }

    private void assertRefused(String expectedErr) throws Exception {
        var r = cli.run("create", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo("berth-runtime: " + expectedErr + "\n");
        assertNothingLeft();
    }

    private void assertNothingLeft() throws Exception {
        if (Files.exists(cli.root())) {
            try (Stream<Path> s = Files.list(cli.root())) {
                assertThat(s.toList()).isEmpty();
            }
        }
        assertThat(Leftovers.cgroups(id)).isEmpty();
        assertThat(Leftovers.mounts(bundle.path().toString())).isEmpty();
    }

    @Test
    void missingConfig() throws Exception {
        Files.delete(bundle.path().resolve("config.json"));
        assertRefused("config.json: " + bundle.path().resolve("config.json") + " does not exist");
    }

    @Test
    void malformedConfig() throws Exception {
        Files.writeString(bundle.path().resolve("config.json"), "{\"ociVersion\": \"1.2.1\",\n \"root\": {");
        var r = cli.run("create", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("berth-runtime: config.json").endsWith("\n");
        assertThat(r.err().lines().count()).isEqualTo(1);
        assertNothingLeft();
    }

    @Test
    void unknownNamespaceType() throws Exception {
        bundle.edit(s -> {
            List<Linux.Namespace> ns = new ArrayList<>(s.linux().namespaces());
            ns.add(new Linux.Namespace("foo", null));
            return TestBundle.withLinux(s, new Linux(ns, null, null, null, null, null, null, null, null, null, null,
                    null, null, null));
        });
        assertRefused("linux.namespaces[5].type: unknown namespace type \"foo\"");
    }

    @Test
    void rootThatDoesNotExist() throws Exception {
        bundle.edit(s -> new Spec(s.ociVersion(), new Spec.Root("nope", false), s.mounts(), s.process(),
                s.hostname(), null, null, null, s.linux()));
        var r = cli.run("create", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("berth-runtime: root.path: ").contains("nope");
        assertNothingLeft();
    }

    @Test
    void mountDestinationEscapingWithDotDot() throws Exception {
        bundle.edit(s -> {
            var mounts = new ArrayList<>(s.mounts());
            mounts.add(new Spec.Mount("/../../etc", "tmpfs", "tmpfs", null, null, null));
            return new Spec(s.ociVersion(), s.root(), mounts, s.process(), s.hostname(), null, null, null, s.linux());
        });
        var r = cli.run("create", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("berth-runtime: mounts[7].destination");
        assertNothingLeft();
    }

    @Test
    void argsZeroNotInTheRootfs() throws Exception {
        bundle.args("no-such-program");
        assertRefused("process.args[0]: \"no-such-program\" not found in the container's PATH");
    }

    @Test
    void aMountThatFailsInTheChildLeavesNothing() throws Exception {
        bundle.edit(s -> {
            var mounts = new ArrayList<>(s.mounts());
            mounts.add(new Spec.Mount("/bad", "nosuchfs", "none", null, null, null));
            return new Spec(s.ociVersion(), s.root(), mounts, s.process(), s.hostname(), null, null, null, s.linux());
        });
        assertRefused("mount nosuchfs on /bad: no such device");
    }

    @Test
    void anRlimitThisHostCannotGrant() throws Exception {
        bundle.edit(s -> TestBundle.withProcess(s, new Spec.Process(false, null, "/", s.process().env(),
                s.process().args(), null, List.of(new Spec.Rlimit("RLIMIT_NOFILE", 1L << 40, 1024)), null,
                s.process().capabilities(), true, null, null, s.process().user(), null, null, null)));
        var r = cli.run("create", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("berth-runtime: process.rlimits: RLIMIT_NOFILE hard limit 1099511627776 exceeds");
        assertNothingLeft();
    }

    @Test
    void systemdCgroupIsRefusedClearly() throws Exception {
        var r = cli.run("--systemd-cgroup", "create", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("berth-runtime: --systemd-cgroup: systemd cgroup management is not supported");
    }

    @Test
    void jsonLogFormatWritesTheErrorAsARecord() throws Exception {
        Path log = tmp.resolve("log.json");
        Files.delete(bundle.path().resolve("config.json"));
        var r = cli.run("--log", log.toString(), "--log-format", "json", "create", "--bundle", bundle.path().toString(), id);
        assertThat(r.exit()).isEqualTo(1);
        String record = Files.readString(log).trim();
        assertThat(record).startsWith("{\"level\":\"error\",\"msg\":\"config.json: ").contains("\"time\":\"");
        assertThat(r.err().lines().count()).isEqualTo(1);
    }
}
