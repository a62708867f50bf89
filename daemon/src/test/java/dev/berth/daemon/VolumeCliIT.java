package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.BusyboxImage;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.daemon.testing.TestArchive;
import dev.berth.linux.MountInfo;
import dev.berth.linux.testing.RequiresRoot;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volumes through the real docker CLI on a real berthd: {@code docker volume
 * create|ls|inspect|rm|prune}, named volumes shared by containers, anonymous volumes filled from
 * the image, {@code rm -v} and {@code --rm}, read-only binds, {@code --mount type=tmpfs},
 * {@code --volumes-from}, {@code system df}, the volume events, and the errors in dockerd's words.
 */
@RequiresDockerCli
@RequiresRoot
class VolumeCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static BerthdProcess daemon;
    private static DockerCli docker;

    @BeforeAll
    static void start() throws Exception {
        daemon = BerthdProcess.start(dir.resolve("d"));
        docker = new DockerCli("unix://" + daemon.socket, Files.createDirectories(dir.resolve("docker-config")));
        BusyboxImage.importInto(docker, dir);
        loadImageWithVolume();
    }

    @AfterEach
    void removeEverything() throws Exception {
        for (String id : docker.run("ps", "-aq").ok().out().lines().toList()) {
            docker.run("rm", "-f", id).ok();
        }
        docker.run("volume", "prune", "-af").ok();
        assertThat(docker.run("volume", "ls", "-q").ok().out()).isBlank();
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();
    }

    @AfterAll
    static void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void volumesAreCreatedListedInspectedAndRemoved() throws Exception {
        long since = java.time.Instant.now().getEpochSecond();
        assertThat(docker.run("volume", "create", "--label", "tier=db", "data1").ok().out().trim()).isEqualTo("data1");
        assertThat(docker.run("volume", "create", "data2").ok().out().trim()).isEqualTo("data2");
        // creating an existing one answers with it, as dockerd does
        docker.run("volume", "create", "data2").ok();

        assertThat(docker.run("volume", "ls", "--format", "{{.Driver}} {{.Name}}").ok().out())
                .isEqualTo("local data1\nlocal data2\n");
        assertThat(docker.run("volume", "ls", "-q", "--filter", "label=tier=db").ok().out()).isEqualTo("data1\n");
        assertThat(docker.run("volume", "ls", "-q", "--filter", "name=a2").ok().out()).isEqualTo("data2\n");
        assertThat(docker.run("volume", "ls", "-q", "--filter", "dangling=true").ok().out()).isEqualTo("data1\ndata2\n");

        JsonNode v = JSON.readTree(docker.run("volume", "inspect", "data1").ok().out()).get(0);
        assertThat(v.get("Name").asText()).isEqualTo("data1");
        assertThat(v.get("Driver").asText()).isEqualTo("local");
        assertThat(v.get("Scope").asText()).isEqualTo("local");
        assertThat(v.at("/Labels/tier").asText()).isEqualTo("db");
        assertThat(v.get("CreatedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        Path mountpoint = Path.of(v.get("Mountpoint").asText());
        assertThat(mountpoint).isEqualTo(daemon.dataRoot.resolve("volumes/data1/_data")).isDirectory();

        docker.run("volume", "rm", "data1", "data2").ok();
        assertThat(mountpoint.getParent()).doesNotExist();
        assertThat(docker.run("volume", "ls", "-q").ok().out()).isBlank();
        assertThat(docker.run("events", "--since", Long.toString(since), "--until", until(), "--filter", "type=volume",
                "--format", "{{.Action}} {{.Actor.ID}}").ok().out().lines().filter(l -> l.matches(".* data[12]")))
                .containsExactly("create data1", "create data2", "destroy data1", "destroy data2");
    }

    @Test
    void badRequestsSayWhyInDockerdsWords() throws Exception {
        assertOneError(docker.run("volume", "create", "a"),
                "create a: volume name is too short, names should be at least two alphanumeric characters");
        assertOneError(docker.run("volume", "create", "no/slash"),
                "\"no/slash\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\""
                        + " are allowed. If you intended to pass a host directory, use absolute path");
        assertOneError(docker.run("volume", "create", "-d", "nosuch", "x1"), "plugin \"nosuch\" not found");
        assertOneError(docker.run("volume", "inspect", "nosuch"), "get nosuch: no such volume");
        assertOneError(docker.run("volume", "rm", "nosuch"), "get nosuch: no such volume");
        docker.run("volume", "rm", "-f", "nosuch").ok();
        assertOneError(docker.run("run", "--rm", "--network", "none", "--mount", "type=volume,source=x,target=/data",
                "busybox", "true"), "create x: volume name is too short");
        assertOneError(docker.run("create", "--network", "none", "--volumes-from", "nosuch", "busybox", "true"),
                "No such container: nosuch");
        assertThat(docker.run("ps", "-aq").ok().out()).isBlank();
        assertThat(docker.run("volume", "ls", "-q").ok().out()).isBlank();
        assertThat(Files.list(daemon.dataRoot.resolve("volumes")).toList()).isEmpty();
    }

    @Test
    void aNamedVolumeIsSharedAndCannotBeRemovedWhileInUse() throws Exception {
        docker.run("run", "--rm", "--network", "none", "-v", "shared:/data", "busybox", "sh", "-c",
                "echo kept > /data/f").ok();
        assertThat(docker.run("volume", "ls", "-q").ok().out()).isEqualTo("shared\n"); // made by the run
        assertThat(docker.run("run", "--rm", "--network", "none", "-v", "shared:/data:ro", "busybox", "cat", "/data/f")
                .ok().out()).isEqualTo("kept\n");
        DockerCli.Result ro = docker.run("run", "--rm", "--network", "none", "-v", "shared:/data:ro", "busybox",
                "touch", "/data/g");
        assertThat(ro.exit()).isNotZero();
        assertThat(ro.err()).contains("Read-only file system");

        String holder = docker.run("create", "--network", "none", "--name", "holder", "-v", "shared:/data", "busybox",
                "true").ok().out().trim();
        assertOneError(docker.run("volume", "rm", "shared"), "remove shared: volume is in use - [" + holder + "]");
        assertOneError(docker.run("volume", "rm", "-f", "shared"), "volume is in use");
        assertThat(docker.run("volume", "ls", "-q", "--filter", "dangling=false").ok().out()).isEqualTo("shared\n");
        JsonNode mount = inspect("holder").get("Mounts").get(0);
        assertThat(mount.get("Type").asText()).isEqualTo("volume");
        assertThat(mount.get("Name").asText()).isEqualTo("shared");
        assertThat(mount.get("Source").asText()).isEqualTo(daemon.dataRoot.resolve("volumes/shared/_data").toString());
        assertThat(mount.get("Destination").asText()).isEqualTo("/data");
        assertThat(mount.get("Driver").asText()).isEqualTo("local");
        assertThat(mount.get("RW").asBoolean()).isTrue();

        // rm -v keeps a named volume: only anonymous ones go with their container
        docker.run("rm", "-v", "holder").ok();
        assertThat(docker.run("volume", "ls", "-q").ok().out()).isEqualTo("shared\n");
        docker.run("volume", "rm", "shared").ok();
    }

    @Test
    void anAnonymousVolumeIsFilledFromTheImageAndGoesWithRmV() throws Exception {
        long since = java.time.Instant.now().getEpochSecond();
        DockerCli.Result r = docker.run("run", "--network", "none", "--name", "anon", "withvolume", "sh", "-c",
                "cat /data/seed.txt; stat -c '%u:%g %a' /data /data/seed.txt; readlink /data/link");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("from the image\n1000:1000 750\n1000:1000 640\nseed.txt\n");

        JsonNode mount = inspect("anon").get("Mounts").get(0);
        String name = mount.get("Name").asText();
        assertThat(name).matches("[0-9a-f]{64}");
        assertThat(mount.get("Destination").asText()).isEqualTo("/data");
        JsonNode v = JSON.readTree(docker.run("volume", "inspect", name).ok().out()).get(0);
        assertThat(v.get("Labels").has("com.docker.volume.anonymous")).isTrue();
        Path seed = Path.of(v.get("Mountpoint").asText()).resolve("seed.txt");
        assertThat(seed).hasContent("from the image\n");
        assertThat(Files.getAttribute(seed, "unix:uid", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1000);

        // started again, the container has the same volume, not a new one
        docker.run("start", "-a", "anon").ok();
        assertThat(docker.run("volume", "ls", "-q").ok().out()).isEqualTo(name + "\n");

        docker.run("rm", "-v", "anon").ok();
        assertThat(docker.run("volume", "ls", "-q").ok().out()).isBlank();
        assertThat(docker.run("events", "--since", Long.toString(since), "--until", until(), "--filter", "type=volume",
                "--format", "{{.Actor.ID}} {{.Action}}").ok().out().lines().filter(l -> l.startsWith(name + " "))
                .map(l -> l.substring(name.length() + 1)))
                .containsExactly("create", "mount", "unmount", "mount", "unmount", "destroy");

        // --rm takes its anonymous volumes along; nocopy leaves a new volume empty
        docker.run("run", "--rm", "--network", "none", "-v", "/scratch", "busybox", "true").ok();
        assertThat(docker.run("volume", "ls", "-q").ok().out()).isBlank();
        assertThat(docker.run("run", "--rm", "--network", "none", "-v", "empty:/data:nocopy", "withvolume", "ls", "-A",
                "/data").ok().out()).isEmpty();
        docker.run("volume", "rm", "empty").ok();
    }

    @Test
    void bindMountsHonourReadOnlyAndTmpfsMountsWork() throws Exception {
        Path host = Files.createDirectories(dir.resolve("bind-src"));
        Files.writeString(host.resolve("in.txt"), "from the host\n");
        DockerCli.Result ro = docker.run("run", "--network", "none", "--name", "robind", "-v", host + ":/x:ro,z",
                "busybox", "sh", "-c", "cat /x/in.txt; touch /x/new");
        assertThat(ro.exit()).isNotZero();
        assertThat(ro.out()).isEqualTo("from the host\n");
        assertThat(ro.err()).contains("Read-only file system");
        assertThat(host.resolve("new")).doesNotExist();
        JsonNode mount = inspect("robind").get("Mounts").get(0);
        assertThat(mount.get("Type").asText()).isEqualTo("bind");
        assertThat(mount.get("Source").asText()).isEqualTo(host.toString());
        assertThat(mount.get("RW").asBoolean()).isFalse();
        assertThat(mount.get("Mode").asText()).isEqualTo("ro,z");
        assertThat(mount.get("Propagation").asText()).isEqualTo("rprivate");

        docker.run("run", "--rm", "--network", "none", "-v", host + ":/x", "busybox", "sh", "-c", "echo w > /x/new").ok();
        assertThat(host.resolve("new")).hasContent("w");

        assertThat(docker.run("run", "--rm", "--network", "none", "--mount", "type=tmpfs,destination=/t,tmpfs-size=1m",
                "busybox", "sh", "-c", "grep ' /t ' /proc/mounts").ok().out()).startsWith("tmpfs /t tmpfs rw,");

        // dockerd lists --mount type=tmpfs in Mounts, and --tmpfs only in HostConfig.Tmpfs
        docker.run("create", "--network", "none", "--name", "tmpfses", "--tmpfs", "/scratch:size=1m", "--mount",
                "type=tmpfs,destination=/t", "busybox", "true").ok();
        JsonNode tmpfses = inspect("tmpfses");
        assertThat(tmpfses.get("Mounts")).hasSize(1);
        assertThat(tmpfses.get("Mounts").get(0).get("Destination").asText()).isEqualTo("/t");
        assertThat(tmpfses.get("HostConfig").get("Tmpfs").get("/scratch").asText()).isEqualTo("size=1m");
    }

    @Test
    void aTmpfsVolumeIsMountedWhileAContainerUsesItAndUnmountedAfterTheLastOne() throws Exception {
        docker.run("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=10m,uid=1000", "tv").ok();
        JsonNode v = JSON.readTree(docker.run("volume", "inspect", "tv").ok().out()).get(0);
        assertThat(v.get("Options").toString()).isEqualTo("{\"device\":\"tmpfs\",\"o\":\"size=10m,uid=1000\",\"type\":\"tmpfs\"}");
        Path data = Path.of(v.get("Mountpoint").asText());
        assertThat(MountInfo.isMountPoint(data)).isFalse(); // mounted at first use, not at create

        docker.run("run", "-d", "--network", "none", "--name", "tmpuser", "-v", "tv:/t", "busybox", "sh", "-c",
                "echo shared > /t/f; sleep 1000").ok();
        assertThat(MountInfo.isMountPoint(data)).isTrue();
        assertThat(docker.run("exec", "tmpuser", "grep", " /t ", "/proc/mounts").ok().out())
                .startsWith("tmpfs /t tmpfs rw,").contains("size=10240k").contains("uid=1000");
        // a second user shares the mount; its end leaves it to the first
        String seen = "";
        for (int i = 0; i < 100 && seen.isEmpty(); i++) {
            seen = docker.run("run", "--rm", "--network", "none", "-v", "tv:/t", "busybox", "sh", "-c",
                    "cat /t/f 2>/dev/null").out();
        }
        assertThat(seen).isEqualTo("shared\n");
        assertThat(MountInfo.isMountPoint(data)).isTrue();

        docker.run("stop", "-t", "0", "tmpuser").ok();
        assertThat(MountInfo.isMountPoint(data)).isFalse();
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();
        // started again: a new, empty tmpfs, as dockerd mounts it again
        docker.run("start", "tmpuser").ok();
        assertThat(MountInfo.isMountPoint(data)).isTrue();
        docker.run("rm", "-f", "tmpuser").ok();
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();
        // a start that fails after the volume was mounted for it lets it go
        DockerCli.Result failed = docker.run("run", "--network", "none", "--name", "nocmd", "-v", "tv:/t", "busybox",
                "no-such-command");
        assertThat(failed.exit()).isEqualTo(127);
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();
        docker.run("rm", "nocmd").ok();
        docker.run("volume", "rm", "tv").ok();
    }

    @Test
    void aMountHeldByARunningContainerIsLetGoWhenItStopsAfterADaemonRestart() throws Exception {
        docker.run("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=1m", "kept").ok();
        docker.run("run", "-d", "--network", "none", "--name", "survivor", "-v", "kept:/t", "busybox", "sleep", "1000")
                .ok();
        Path data = daemon.dataRoot.resolve("volumes/kept/_data");
        assertThat(MountInfo.isMountPoint(data)).isTrue();

        daemon.process().destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        daemon = BerthdProcess.start(dir.resolve("d"));
        assertThat(MountInfo.isMountPoint(data)).isTrue();
        assertThat(docker.run("exec", "survivor", "grep", " /t ", "/proc/mounts").ok().out()).startsWith("tmpfs /t ");

        // the restarted daemon still knows who holds the mount
        docker.run("stop", "-t", "0", "survivor").ok();
        assertThat(MountInfo.isMountPoint(data)).as(daemon.log()).isFalse();
        docker.run("rm", "survivor").ok();
        docker.run("volume", "rm", "kept").ok();
    }

    @Test
    void aBindVolumeIsFilledFromTheImageAndItsDirectoryOutlivesTheVolume() throws Exception {
        Path device = Files.createDirectories(dir.resolve("bind-device"));
        docker.run("volume", "create", "-o", "type=none", "-o", "o=bind", "-o", "device=" + device, "bv").ok();
        // filled at create from the image, as an empty plain volume is, through a mount made for the copy only
        docker.run("create", "--network", "none", "--name", "bindfill", "-v", "bv:/data", "withvolume", "sh", "-c",
                "cat /data/seed.txt; echo from the container > /data/out").ok();
        assertThat(device.resolve("seed.txt")).hasContent("from the image\n");
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();

        DockerCli.Result r = docker.run("start", "-a", "bindfill");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("from the image\n");
        assertThat(device.resolve("out")).hasContent("from the container\n");
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();
        // a copy into and out of the stopped container goes to the directory, mounted for the copy only
        Path copied = Files.writeString(dir.resolve("copied.txt"), "copied in\n");
        docker.run("cp", copied.toString(), "bindfill:/data/").ok();
        assertThat(device.resolve("copied.txt")).hasContent("copied in\n");
        assertThat(docker.run("cp", "bindfill:/data/out", "-").ok().out()).contains("from the container\n");
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();

        docker.run("rm", "bindfill").ok();
        docker.run("volume", "rm", "bv").ok();
        // removing the volume never reaches through into the directory it bound
        assertThat(device.resolve("seed.txt")).exists();
        assertThat(device.resolve("out")).exists();
    }

    @Test
    void badMountOptionsAreRefusedAtCreateOrAtFirstUse() throws Exception {
        assertOneError(docker.run("volume", "create", "-o", "size=10m", "sized"),
                "create sized: quota size requested but no quota support");
        assertOneError(docker.run("volume", "create", "-o", "type=tmpfs", "half"),
                "create half: missing required option: \"device\"");
        Path missing = dir.resolve("no-such-device");
        docker.run("volume", "create", "-o", "type=none", "-o", "o=bind", "-o", "device=" + missing, "nodev").ok();
        DockerCli.Result r = docker.run("run", "--rm", "--network", "none", "-v", "nodev:/x", "busybox", "true");
        assertOneError(r, "failed to mount local volume: mount " + missing + ":");
        assertThat(r.err()).contains("no such file or directory");
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();
        assertThat(docker.run("volume", "ls", "-q").ok().out()).isEqualTo("nodev\n");
    }

    @Test
    void volumesFromSharesAnotherContainersMounts() throws Exception {
        docker.run("create", "--network", "none", "--name", "src", "-v", "vf:/data", "-v", "/anon", "busybox", "true")
                .ok();
        docker.run("run", "--rm", "--network", "none", "--volumes-from", "src", "busybox", "sh", "-c",
                "echo a > /data/f; echo b > /anon/f").ok();
        assertThat(docker.run("run", "--rm", "--network", "none", "--volumes-from", "src:ro", "busybox", "sh", "-c",
                "cat /data/f /anon/f; touch /data/g 2>/dev/null || echo refused").ok().out()).isEqualTo("a\nb\nrefused\n");
        assertThat(docker.run("volume", "ls", "-q").ok().out().lines().count()).isEqualTo(2); // no new anonymous one
        assertOneError(docker.run("create", "--network", "none", "--volumes-from", "src:shared", "busybox", "true"),
                "invalid mode for volumes-from: shared");
    }

    @Test
    void pruneRemovesUnusedAnonymousVolumesUnlessAll() throws Exception {
        docker.run("run", "--network", "none", "--name", "leaves", "-v", "/data", "busybox", "sh", "-c",
                "echo 12345 > /data/f").ok();
        docker.run("rm", "leaves").ok(); // without -v: the anonymous volume stays
        docker.run("volume", "create", "keep").ok();
        docker.run("create", "--network", "none", "--name", "user", "-v", "used:/u", "busybox", "true").ok();
        assertThat(docker.run("system", "df", "--format", "{{.Type}} {{.TotalCount}} {{.Active}}").ok().out())
                .contains("Local Volumes 3 1");

        String pruned = docker.run("volume", "prune", "-f").ok().out();
        assertThat(pruned).contains("Total reclaimed space: 6B");
        assertThat(docker.run("volume", "ls", "-q").ok().out()).isEqualTo("keep\nused\n");
        docker.run("volume", "prune", "-af").ok();
        assertThat(docker.run("volume", "ls", "-q").ok().out()).isEqualTo("used\n");
    }

    @Test
    void volumesAndWhoUsesThemSurviveADaemonRestart() throws Exception {
        docker.run("run", "--network", "none", "--name", "keeper", "-v", "persist:/p", "-v", "/anon", "busybox", "sh",
                "-c", "[ -e /anon/id ] || echo $RANDOM > /anon/id; cat /anon/id").ok();
        String anonymous = inspect("keeper").get("Mounts").findValuesAsText("Name").stream()
                .filter(n -> !n.equals("persist")).findFirst().orElseThrow();
        String id = Files.readString(daemon.dataRoot.resolve("volumes").resolve(anonymous).resolve("_data/id"));

        daemon.close();
        daemon = BerthdProcess.start(dir.resolve("d"));
        docker = new DockerCli("unix://" + daemon.socket, dir.resolve("docker-config"));

        assertThat(docker.run("volume", "ls", "-q").ok().out().lines()).containsExactlyInAnyOrder("persist", anonymous);
        assertOneError(docker.run("volume", "rm", "persist"), "volume is in use");
        // started again, the container gets the same anonymous volume with its data
        assertThat(docker.run("start", "-a", "keeper").ok().out()).isEqualTo(id);
        docker.run("rm", "-v", "keeper").ok();
        assertThat(docker.run("volume", "ls", "-q").ok().out()).isEqualTo("persist\n");
    }

    @Test
    void bindPropagationIsShownAndApplied() throws Exception {
        Path host = Files.createDirectories(dir.resolve("prop-src"));
        docker.run("create", "--network", "none", "--name", "slave", "-v", host + ":/x:rslave", "busybox", "true").ok();
        JsonNode mount = inspect("slave").get("Mounts").get(0);
        assertThat(mount.get("Propagation").asText()).isEqualTo("rslave");
        DockerCli.Result r = docker.run("start", "-a", "slave");
        assertThat(r.exit()).as(r.err()).isZero();
    }

    /** {@code withvolume}: busybox with {@code VOLUME /data} holding a file and a link owned by 1000. */
    private static void loadImageWithVolume() throws IOException, InterruptedException {
        Path seedRoot = Files.createDirectories(dir.resolve("seed/data"));
        Files.writeString(seedRoot.resolve("seed.txt"), "from the image\n");
        Files.createSymbolicLink(seedRoot.resolve("link"), Path.of("seed.txt"));
        Path layer = dir.resolve("seed.tar");
        Process p = new ProcessBuilder("sh", "-c", "chmod 750 data && chmod 640 data/seed.txt && tar --owner=1000"
                + " --group=1000 --numeric-owner -cf " + layer + " data").directory(dir.resolve("seed").toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        List<byte[]> layers = List.of(Files.readAllBytes(dir.resolve("busybox.tar")), Files.readAllBytes(layer));
        String diffIds = String.join(",", layers.stream().map(l -> "\"sha256:" + TestArchive.sha256(l) + "\"").toList());
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"created\":\"2024-01-01T00:00:00Z\","
                + "\"config\":{\"Cmd\":[\"sh\"],\"Volumes\":{\"/data\":{}}},"
                + "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}").getBytes(StandardCharsets.UTF_8);
        TestArchive archive = new TestArchive().file("blobs/sha256/" + TestArchive.sha256(config), config);
        for (byte[] l : layers) {
            archive.file("blobs/sha256/" + TestArchive.sha256(l), l);
        }
        archive.file("manifest.json", "[{\"Config\":\"blobs/sha256/" + TestArchive.sha256(config)
                + "\",\"RepoTags\":[\"withvolume:latest\"],\"Layers\":["
                + String.join(",", layers.stream().map(l -> "\"blobs/sha256/" + TestArchive.sha256(l) + "\"").toList())
                + "]}]");
        Path saved = dir.resolve("withvolume.tar");
        try (OutputStream o = Files.newOutputStream(saved)) {
            o.write(archive.bytes());
        }
        docker.run("load", "-i", saved.toString()).ok();
    }

    private static String until() {
        return Long.toString(java.time.Instant.now().getEpochSecond() + 1);
    }

    private static JsonNode inspect(String name) throws Exception {
        return JSON.readTree(docker.run("inspect", name).ok().out()).get(0);
    }

    private static void assertOneError(DockerCli.Result r, String message) {
        assertThat(r.exit()).as(r.out() + r.err()).isNotZero();
        assertThat(r.err()).as(r.err()).contains("Error response from daemon").contains(message)
                .doesNotContain("Exception").doesNotContain("\tat ");
    }
}
