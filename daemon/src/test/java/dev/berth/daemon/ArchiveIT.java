package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.ContainerDaemon;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RawHttp;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.image.layer.LayerTarInputStream;
import dev.berth.image.layer.LayerTarWriter;
import dev.berth.linux.MountInfo;
import dev.berth.linux.Xattrs;
import dev.berth.linux.testing.RequiresRoot;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Base64;
import java.util.UUID;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code docker cp} both ways, {@code docker diff} and {@code docker export} through the real
 * docker CLI on a real berthd, on running and stopped containers; paths that try to climb out
 * of the container stay in it; binds, named and anonymous volumes are seen where the container
 * sees them; extended attributes go both ways.
 */
@RequiresDockerCli
@RequiresRoot
class ArchiveIT {
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
    void removeContainersAndVolumes() throws Exception {
        berth.removeContainers();
        docker.run("volume", "prune", "-af").ok();
    }

    @AfterAll
    static void stop() throws Exception {
        if (berth != null) {
            berth.close();
        }
    }

    @Test
    void copiesFilesAndDirectoriesIntoAndOutOfAStoppedContainer() throws Exception {
        Path work = Files.createDirectories(dir.resolve("stopped"));
        Files.writeString(work.resolve("hello.txt"), "hello from the host\n");
        Path tree = Files.createDirectories(work.resolve("tree/sub"));
        Files.writeString(tree.resolve("a.txt"), "a\n");
        Files.createSymbolicLink(tree.resolve("link"), Path.of("a.txt"));
        String since = java.time.Instant.now().minusSeconds(1).toString();
        docker.run("create", "--network", "none", "--name", "cpstop", "busybox", "sh", "-c",
                "cat /hello.txt; cat /opt/sub/link").ok();

        docker.run("cp", work.resolve("hello.txt").toString(), "cpstop:/").ok();
        docker.run("cp", work.resolve("tree").toString(), "cpstop:/opt").ok(); // /opt is made: the copy of tree
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty(); // mounted for the copy only

        DockerCli.Result run = docker.run("start", "-a", "cpstop");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("hello from the host\na\n");

        Path back = Files.createDirectories(work.resolve("back"));
        docker.run("cp", "cpstop:/opt", back.toString()).ok();
        assertThat(back.resolve("opt/sub/a.txt")).hasContent("a");
        assertThat(Files.readSymbolicLink(back.resolve("opt/sub/link"))).isEqualTo(Path.of("a.txt"));
        docker.run("cp", "cpstop:/hello.txt", back.resolve("copy.txt").toString()).ok();
        assertThat(back.resolve("copy.txt")).hasContent("hello from the host");

        String events = docker.run("events", "--since", since, "--until",
                java.time.Instant.now().plusSeconds(1).toString(), "--filter", "container=cpstop", "--format",
                "{{.Action}}").ok().out();
        assertThat(events.lines().filter(a -> a.equals("extract-to-dir"))).hasSize(2);
        assertThat(events.lines().filter(a -> a.equals("archive-path"))).hasSize(2);
    }

    @Test
    void copiesIntoAndOutOfARunningContainer() throws Exception {
        Path work = Files.createDirectories(dir.resolve("running"));
        Files.writeString(work.resolve("go"), "go\n");
        docker.run("run", "-d", "--network", "none", "--name", "cprun", "busybox", "sh", "-c",
                "echo written inside > /inside.txt; while [ ! -f /go ]; do sleep 0.1; done; cat /go").ok();

        String inside = null;
        for (int i = 0; i < 100 && inside == null; i++) {
            DockerCli.Result r = docker.run("cp", "cprun:/inside.txt", "-");
            if (r.exit() == 0) {
                inside = untar(r.out()).get("inside.txt");
            } else {
                assertThat(r.err()).contains("Could not find the file /inside.txt in container cprun");
                Thread.sleep(100);
            }
        }
        assertThat(inside).isEqualTo("written inside\n");

        docker.run("cp", work.resolve("go").toString(), "cprun:/go").ok();
        assertThat(docker.run("wait", "cprun").ok().out().trim()).isEqualTo("0");
        assertThat(docker.run("logs", "cprun").ok().out()).isEqualTo("go\n");
    }

    @Test
    void copiesToStdoutAsATarAndSeesTheContainersHostname() throws Exception {
        String id = docker.run("create", "--network", "none", "--name", "cpout", "busybox", "true").ok().out().trim();
        DockerCli.Result r = docker.run("cp", "cpout:/etc/hostname", "-").ok();
        // the file the daemon binds over the image's, as the container sees it
        assertThat(untar(r.out())).containsExactly(Map.entry("hostname", id.substring(0, 12) + "\n"));
    }

    @Test
    void archiveModeKeepsOwnersAndDiffShowsWhatChanged() throws Exception {
        Path work = Files.createDirectories(dir.resolve("owners"));
        Path file = work.resolve("owned.txt");
        Files.writeString(file, "owned\n");
        Files.setAttribute(file, "unix:uid", 1234);
        Files.setAttribute(file, "unix:gid", 4321);
        docker.run("run", "--network", "none", "--name", "changed", "busybox", "sh", "-c",
                "mkdir /new && touch /new/f && rm /etc/group && echo x >> /etc/passwd").ok();
        docker.run("cp", "-a", file.toString(), "changed:/new/").ok();

        DockerCli.Result r = docker.run("cp", "changed:/new/owned.txt", "-").ok();
        TarArchiveEntry e = entries(r.out()).get("owned.txt");
        assertThat(e.getLongUserId()).isEqualTo(1234);
        assertThat(e.getLongGroupId()).isEqualTo(4321);

        assertThat(docker.run("diff", "changed").ok().out().lines().toList()).containsExactly(
                "C /etc", "D /etc/group", "C /etc/passwd", "A /new", "A /new/f", "A /new/owned.txt");
    }

    @Test
    void exportWritesTheWholeFilesystem() throws Exception {
        docker.run("run", "--network", "none", "--name", "exported", "busybox", "sh", "-c",
                "mkdir /made && echo made > /made/here").ok();
        Path tar = dir.resolve("exported.tar");
        docker.run("export", "-o", tar.toString(), "exported").ok();
        Map<String, TarArchiveEntry> entries;
        try (InputStream in = Files.newInputStream(tar)) {
            entries = entries(in);
        }
        assertThat(entries).containsKeys("bin/", "bin/busybox", "bin/sh", "etc/passwd", "made/", "made/here");
        assertThat(entries.get("bin/sh").isSymbolicLink()).isTrue();
    }

    @Test
    void pathsThatClimbOutStayInTheContainer() throws Exception {
        String secret = "berth-archive-" + UUID.randomUUID();
        Path work = Files.createDirectories(dir.resolve("escape"));
        Files.writeString(work.resolve(secret), "container copy\n");
        docker.run("run", "--network", "none", "--name", "escape", "busybox", "sh", "-c",
                "ln -s / /up && ln -s ../../../../etc /rel && echo inside > /etc/shadow").ok();

        // .. above the container's root stays at its root
        assertThat(untar(docker.run("cp", "escape:/../../etc/shadow", "-").ok().out()))
                .containsExactly(Map.entry("shadow", "inside\n"));
        // a link to / in the container is the container's /, for reading and for writing
        docker.run("cp", work.resolve(secret).toString(), "escape:/up/etc/").ok();
        docker.run("cp", work.resolve(secret).toString(), "escape:/rel/").ok();
        assertThat(Path.of("/etc", secret)).doesNotExist();
        assertThat(untar(docker.run("cp", "escape:/rel/" + secret, "-").ok().out()))
                .containsExactly(Map.entry(secret, "container copy\n"));
        assertThat(untar(docker.run("cp", "escape:/up/etc/" + secret, "-").ok().out()))
                .containsExactly(Map.entry(secret, "container copy\n"));
    }

    @Test
    void badCopiesSayWhy() throws Exception {
        Path work = Files.createDirectories(dir.resolve("bad"));
        Files.writeString(work.resolve("f"), "f\n");
        docker.run("create", "--network", "none", "--name", "bad", "busybox", "true").ok();
        docker.run("create", "--network", "none", "--read-only", "--name", "readonly", "busybox", "true").ok();

        assertOneError(docker.run("cp", "bad:/nosuch", work.resolve("x").toString()),
                "Could not find the file /nosuch in container bad");
        assertOneError(docker.run("cp", work.resolve("f").toString(), "readonly:/etc/"),
                "container rootfs is marked read-only");
        assertOneError(docker.run("cp", work.resolve("f").toString(), "nosuch:/etc"), "No such container: nosuch");
        assertThat(work.resolve("x")).doesNotExist();
        // a trailing slash names a directory: a file there is not replaced
        assertThat(docker.run("cp", work.resolve("f").toString(), "bad:/etc/passwd/").exit()).isNotZero();
        assertThat(untar(docker.run("cp", "bad:/etc/passwd", "-").ok().out()))
                .containsExactly(Map.entry("passwd", "root:x:0:0:root:/root:/bin/sh\n"));
    }

    @Test
    void bindsAreSeenAsTheContainerSeesThem() throws Exception {
        Path data = Files.createDirectories(dir.resolve("bind-data"));
        Path ro = Files.createDirectories(dir.resolve("bind-ro"));
        Files.writeString(data.resolve("from-host.txt"), "from the host\n");
        Path work = Files.createDirectories(dir.resolve("binds"));
        Files.writeString(work.resolve("into-bind.txt"), "into the bind\n");
        docker.run("create", "--network", "none", "--name", "binds", "-v", data + ":/data", "-v", ro + ":/ro:ro",
                "busybox", "true").ok();

        assertThat(untar(docker.run("cp", "binds:/data/from-host.txt", "-").ok().out()))
                .containsExactly(Map.entry("from-host.txt", "from the host\n"));
        docker.run("cp", work.resolve("into-bind.txt").toString(), "binds:/data/").ok();
        assertThat(data.resolve("into-bind.txt")).hasContent("into the bind");
        assertOneError(docker.run("cp", work.resolve("into-bind.txt").toString(), "binds:/ro/"),
                "mounted volume is marked read-only");
        assertThat(ro.resolve("into-bind.txt")).doesNotExist();
    }

    @Test
    void theArchiveEndpointsAnswerAsDockerdDoes() throws Exception {
        docker.run("create", "--network", "none", "--name", "raw", "busybox", "true").ok();

        RawHttp.Response head = RawHttp.call(daemon.socket, "HEAD", "/v1.50/containers/raw/archive?path=/etc");
        assertThat(head.status()).isEqualTo(200);
        JsonNode stat = JSON.readTree(Base64.getDecoder().decode(head.header("X-Docker-Container-Path-Stat")));
        assertThat(stat.get("name").asText()).isEqualTo("etc");
        assertThat(stat.get("mode").asLong()).isEqualTo((1L << 31) | 0755); // Go's os.ModeDir
        stat = JSON.readTree(Base64.getDecoder().decode(RawHttp.call(daemon.socket, "HEAD",
                "/v1.50/containers/raw/archive?path=/bin/sh").header("X-Docker-Container-Path-Stat")));
        assertThat(stat.get("mode").asLong() & (1L << 27)).isNotZero(); // os.ModeSymlink
        assertThat(stat.get("linkTarget").asText()).isEqualTo("/bin/busybox");

        RawHttp.Response r = put("/etc/passwd", tar(Map.of("x", "x\n")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).isEqualTo("extraction point is not a directory");
        r = put("/etc", tar(Map.of("../outside", "x\n")));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("message").asText()).isEqualTo("\"../outside\" is outside of \"/etc\"");

        // a link earlier in the tar is followed as the container would follow it: inside
        String secret = "berth-archive-" + UUID.randomUUID();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            TarArchiveEntry link = new TarArchiveEntry("up", TarConstants.LF_SYMLINK);
            link.setLinkName("/");
            out.putArchiveEntry(link);
            out.closeArchiveEntry();
            byte[] content = "inside\n".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry file = new TarArchiveEntry("up/etc/" + secret);
            file.setSize(content.length);
            out.putArchiveEntry(file);
            out.write(content);
            out.closeArchiveEntry();
        }
        assertThat(put("/", bytes.toByteArray()).status()).isEqualTo(200);
        assertThat(Path.of("/etc", secret)).doesNotExist();
        assertThat(untar(docker.run("cp", "raw:/etc/" + secret, "-").ok().out()))
                .containsExactly(Map.entry(secret, "inside\n"));
    }

    @Test
    void namedAndAnonymousVolumesOfAStoppedContainerAreSeenAsTheContainerSeesThem() throws Exception {
        String named = "cpvol-" + suffix();
        Path work = Files.createDirectories(dir.resolve("volumes-stopped"));
        Files.writeString(work.resolve("in.txt"), "into the volume\n");
        docker.run("volume", "create", named).ok();
        docker.run("create", "--network", "none", "--name", "volstop", "-v", named + ":/data", "-v", "/anon",
                "--mount", "type=volume,dst=/var/lib/deep", "busybox", "sh", "-c",
                "cat /data/in.txt /anon/in.txt /var/lib/deep/in.txt /data/seed.txt").ok();
        Path namedData = Path.of(docker.run("volume", "inspect", "-f", "{{.Mountpoint}}", named).ok().out().trim());
        Path anonData = volumeSource("volstop", "/anon");
        Path deepData = volumeSource("volstop", "/var/lib/deep");
        Files.writeString(namedData.resolve("seed.txt"), "seeded on the host\n");

        // out of a volume: the volume's file, not whatever the layer has at that path
        assertThat(untar(docker.run("cp", "volstop:/data/seed.txt", "-").ok().out()))
                .containsExactly(Map.entry("seed.txt", "seeded on the host\n"));
        // into volumes: the files land in them, never in the layer under them
        docker.run("cp", work.resolve("in.txt").toString(), "volstop:/data/").ok();
        docker.run("cp", work.resolve("in.txt").toString(), "volstop:/anon/").ok();
        // /var/lib is not in the image: the mount point is reached all the same
        docker.run("cp", work.resolve("in.txt").toString(), "volstop:/var/lib/deep/").ok();
        assertThat(namedData.resolve("in.txt")).hasContent("into the volume");
        assertThat(anonData.resolve("in.txt")).hasContent("into the volume");
        assertThat(deepData.resolve("in.txt")).hasContent("into the volume");
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();
        assertThat(docker.run("diff", "volstop").ok().out()).doesNotContain("in.txt");

        DockerCli.Result run = docker.run("start", "-a", "volstop");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("into the volume\n".repeat(3) + "seeded on the host\n");
        // stopped again, after a run: a directory of the volume comes out whole
        assertThat(untar(docker.run("cp", "volstop:/anon", "-").ok().out()))
                .containsExactly(Map.entry("anon/in.txt", "into the volume\n"));
    }

    @Test
    void volumesOfARunningContainerAreSeenAsTheContainerSeesThem() throws Exception {
        String named = "cpvol-" + suffix();
        Path work = Files.createDirectories(dir.resolve("volumes-running"));
        Files.writeString(work.resolve("from-host"), "from the host\n");
        Files.writeString(work.resolve("go"), "go\n");
        docker.run("run", "-d", "--network", "none", "--name", "volrun", "-v", named + ":/data", "-v", "/anon",
                "busybox", "sh", "-c", "echo inside > /anon/inside.txt; while [ ! -f /data/go ]; do sleep 0.1; done;"
                        + " cat /anon/from-host").ok();

        String inside = null;
        for (int i = 0; i < 100 && inside == null; i++) {
            DockerCli.Result r = docker.run("cp", "volrun:/anon/inside.txt", "-");
            if (r.exit() == 0) {
                inside = untar(r.out()).get("inside.txt");
            } else {
                assertThat(r.err()).contains("Could not find the file /anon/inside.txt in container volrun");
                Thread.sleep(100);
            }
        }
        assertThat(inside).isEqualTo("inside\n");

        docker.run("cp", work.resolve("from-host").toString(), "volrun:/anon/").ok();
        docker.run("cp", work.resolve("go").toString(), "volrun:/data/").ok(); // the container waits for it
        assertThat(docker.run("wait", "volrun").ok().out().trim()).isEqualTo("0");
        assertThat(docker.run("logs", "volrun").ok().out()).isEqualTo("from the host\n");
        Path namedData = Path.of(docker.run("volume", "inspect", "-f", "{{.Mountpoint}}", named).ok().out().trim());
        assertThat(namedData.resolve("go")).hasContent("go");
    }

    @Test
    void readOnlyVolumesRefuseCopiesIntoThemAndStillGiveTheirFiles() throws Exception {
        String named = "cpro-" + suffix();
        Path work = Files.createDirectories(dir.resolve("volumes-ro"));
        Files.writeString(work.resolve("f"), "f\n");
        docker.run("volume", "create", named).ok();
        docker.run("create", "--network", "none", "--name", "volro", "-v", named + ":/ro:ro",
                "--mount", "type=volume,dst=/anonro,readonly", "busybox", "true").ok();
        Path namedData = Path.of(docker.run("volume", "inspect", "-f", "{{.Mountpoint}}", named).ok().out().trim());
        Files.writeString(namedData.resolve("kept"), "kept\n");

        assertOneError(docker.run("cp", work.resolve("f").toString(), "volro:/ro/"), "mounted volume is marked read-only");
        assertOneError(docker.run("cp", work.resolve("f").toString(), "volro:/anonro/"),
                "mounted volume is marked read-only");
        assertThat(namedData.resolve("f")).doesNotExist();
        assertThat(volumeSource("volro", "/anonro").resolve("f")).doesNotExist();
        assertThat(untar(docker.run("cp", "volro:/ro/kept", "-").ok().out())).containsExactly(Map.entry("kept", "kept\n"));
    }

    @Test
    void aVolumeWhoseDestinationGoesThroughALinkInTheImageIsSeenWhereTheRuntimeMountedIt() throws Exception {
        // an image where /var/run -> /run, as Debian's and Alpine's are
        docker.run("run", "--network", "none", "--name", "linker", "busybox", "sh", "-c",
                "mkdir -p /run /var && rm -rf /var/run && ln -s /run /var/run").ok();
        docker.run("commit", "linker", "berth/var-run-link").ok();
        String named = "cplink-" + suffix();
        Path work = Files.createDirectories(dir.resolve("linked"));
        Files.writeString(work.resolve("in.txt"), "through the link\n");
        try {
            docker.run("create", "--network", "none", "--name", "linked", "-v", named + ":/var/run/x",
                    "berth/var-run-link", "sh", "-c", "cat /run/x/in.txt /var/run/x/seed.txt").ok();
            Path data = Path.of(docker.run("volume", "inspect", "-f", "{{.Mountpoint}}", named).ok().out().trim());
            Files.writeString(data.resolve("seed.txt"), "seeded on the host\n");

            docker.run("cp", work.resolve("in.txt").toString(), "linked:/var/run/x/").ok();
            assertThat(data.resolve("in.txt")).hasContent("through the link");
            assertThat(untar(docker.run("cp", "linked:/var/run/x/seed.txt", "-").ok().out()))
                    .containsExactly(Map.entry("seed.txt", "seeded on the host\n"));
            assertThat(untar(docker.run("cp", "linked:/run/x/in.txt", "-").ok().out()))
                    .containsExactly(Map.entry("in.txt", "through the link\n"));
            assertThat(docker.run("diff", "linked").ok().out()).doesNotContain("in.txt");

            DockerCli.Result run = docker.run("start", "-a", "linked");
            assertThat(run.exit()).as(run.err()).isZero();
            assertThat(run.out()).isEqualTo("through the link\nseeded on the host\n");
        } finally {
            berth.removeContainers();
            docker.run("rmi", "berth/var-run-link");
        }
    }

    @Test
    void copiesGoUnderATmpfsAsDockerdsDo() throws Exception {
        Path work = Files.createDirectories(dir.resolve("tmpfs"));
        Files.writeString(work.resolve("f"), "under the tmpfs\n");
        Files.writeString(work.resolve("go"), "go\n");
        docker.run("run", "-d", "--network", "none", "--tmpfs", "/scratch", "--name", "tmpfs", "busybox", "sh", "-c",
                "while [ ! -f /go ]; do sleep 0.1; done; ls -A /scratch").ok();

        // dockerd's copies go to the directory under a tmpfs: the running container does not see them
        docker.run("cp", work.resolve("f").toString(), "tmpfs:/scratch/").ok();
        assertThat(untar(docker.run("cp", "tmpfs:/scratch/f", "-").ok().out()))
                .containsExactly(Map.entry("f", "under the tmpfs\n"));
        docker.run("cp", work.resolve("go").toString(), "tmpfs:/").ok();
        assertThat(docker.run("wait", "tmpfs").ok().out().trim()).isEqualTo("0");
        assertThat(docker.run("logs", "tmpfs").ok().out()).isEmpty();
    }

    @Test
    void copiesAndExportsKeepExtendedAttributes() throws Exception {
        String named = "cpx-" + suffix();
        Path work = Files.createDirectories(dir.resolve("xattrs"));
        byte[] note = ("berth-" + suffix()).getBytes(StandardCharsets.UTF_8);
        // what a tar from GNU tar --xattrs or Go carries: SCHILY.xattr.* records, the capability as raw bytes
        Path tar = work.resolve("in.tar");
        try (OutputStream out = Files.newOutputStream(tar)) {
            LayerTarWriter w = new LayerTarWriter(out);
            putFile(w, "noted", "noted\n", Map.of("user.test", note));
            putFile(w, "capped", "capped\n", Map.of("security.capability", CAPS));
            w.finish();
        }
        docker.run("create", "--network", "none", "--name", "xattr", "-v", named + ":/data", "busybox", "true").ok();
        Path data = Path.of(docker.run("volume", "inspect", "-f", "{{.Mountpoint}}", named).ok().out().trim());

        // in: into a volume and into the container's own layer
        docker.runWithInput(tar, "cp", "-", "xattr:/data").ok();
        docker.runWithInput(tar, "cp", "-", "xattr:/").ok();
        assertThat(Xattrs.get(data.resolve("noted"), "user.test")).hasValue(note);
        assertThat(Xattrs.get(data.resolve("capped"), "security.capability")).hasValue(CAPS);

        // out: the CLI sets what the tar carries on the files it writes
        Path hostSet = Files.writeString(data.resolve("host-set"), "set on the host\n");
        Xattrs.set(hostSet, "user.test", note);
        Path back = Files.createDirectories(work.resolve("back"));
        docker.run("cp", "xattr:/data/host-set", back.toString()).ok();
        docker.run("cp", "xattr:/capped", back.toString()).ok();
        assertThat(Xattrs.get(back.resolve("host-set"), "user.test")).hasValue(note);
        assertThat(Xattrs.get(back.resolve("capped"), "security.capability")).hasValue(CAPS);

        Path exported = work.resolve("exported.tar");
        docker.run("export", "-o", exported.toString(), "xattr").ok();
        Map<String, Map<String, byte[]>> xattrs = new LinkedHashMap<>();
        try (LayerTarInputStream in = new LayerTarInputStream(Files.newInputStream(exported))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                xattrs.put(e.getName(), in.xattrs());
            }
        }
        assertThat(xattrs.get("noted")).containsOnlyKeys("user.test");
        assertThat(xattrs.get("noted").get("user.test")).isEqualTo(note);
        assertThat(xattrs.get("capped").get("security.capability")).isEqualTo(CAPS);
        assertThat(xattrs.get("bin/busybox")).isEmpty();
    }

    /** A revision 2 {@code vfs_cap_data}: {@code cap_setuid} (the byte 0x80, which is not text) and {@code cap_net_raw}. */
    private static final byte[] CAPS = {1, 0, 0, 2, (byte) 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};

    private static void putFile(LayerTarWriter w, String name, String content, Map<String, byte[]> xattrs)
            throws IOException {
        byte[] b = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name, TarConstants.LF_NORMAL);
        e.setMode(0755);
        e.setSize(b.length);
        e.setModTime(java.nio.file.attribute.FileTime.fromMillis(1_700_000_000_000L));
        w.put(e, xattrs, new ByteArrayInputStream(b));
    }

    /** The host directory of the volume mounted at {@code destination}, as {@code docker inspect} shows it. */
    private static Path volumeSource(String container, String destination) throws Exception {
        String source = docker.run("inspect", "-f", "{{range .Mounts}}{{if eq .Destination \"" + destination
                + "\"}}{{.Source}}{{end}}{{end}}", container).ok().out().trim();
        assertThat(source).as("volume at " + destination).isNotEmpty();
        return Path.of(source);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static RawHttp.Response put(String path, byte[] tar) throws IOException {
        try (RawHttp c = RawHttp.connect(daemon.socket)) {
            return c.request("PUT", "/v1.50/containers/raw/archive?noOverwriteDirNonDir=true&path=" + path, tar,
                    "Content-Type: application/x-tar");
        }
    }

    private static byte[] tar(Map<String, String> files) throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(f.getKey(), true);
                e.setSize(content.length);
                out.putArchiveEntry(e);
                out.write(content);
                out.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static void assertOneError(DockerCli.Result r, String message) {
        assertThat(r.exit()).as(r.out()).isNotZero();
        assertThat(r.err().strip().lines().toList()).hasSize(1);
        assertThat(r.err()).contains(message);
    }

    /** The regular files of a tar that the CLI wrote to its (text-captured) stdout, by name. */
    private static Map<String, String> untar(String captured) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(
                new ByteArrayInputStream(captured.getBytes(StandardCharsets.UTF_8)));
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            if (e.isFile()) {
                files.put(e.getName(), new String(tar.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    private static Map<String, TarArchiveEntry> entries(String captured) throws IOException {
        return entries(new ByteArrayInputStream(captured.getBytes(StandardCharsets.UTF_8)));
    }

    private static Map<String, TarArchiveEntry> entries(InputStream in) throws IOException {
        Map<String, TarArchiveEntry> out = new LinkedHashMap<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            out.put(e.getName(), e);
        }
        return out;
    }
}
