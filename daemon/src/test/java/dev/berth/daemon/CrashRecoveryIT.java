package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A berthd killed with SIGKILL in the middle of a {@code docker load} restarts into a
 * consistent store: the images it had are intact, nothing of the interrupted load is visible
 * (no image, no blob under its name, no ingest left over), and the same load then succeeds.
 */
@RequiresDockerCli
class CrashRecoveryIT {
    @TempDir
    Path dir;

    @Test
    void aDaemonKilledMidLoadRestartsConsistent() throws Exception {
        Path d = dir.resolve("d");
        Path archive = dir.resolve("big.tar");
        String bigId;
        BerthdProcess daemon = BerthdProcess.start(d);
        try {
            DockerCli docker = new DockerCli("unix://" + daemon.socket, Files.createDirectories(dir.resolve("cfg")));
            Path base = ImageCliIT.busyboxRootfs(dir.resolve("rootfs"), dir.resolve("base.tar"));
            docker.run("import", base.toString(), "base:1").ok();
            // A 48 MiB random layer: big enough that the load is still reading when the daemon dies.
            Path bigRoot = Files.createDirectories(dir.resolve("big"));
            byte[] chunk = new byte[1 << 20];
            Random random = new Random(7);
            try (OutputStream out = Files.newOutputStream(bigRoot.resolve("blob"))) {
                for (int i = 0; i < 48; i++) {
                    random.nextBytes(chunk);
                    out.write(chunk);
                }
            }
            Path bigTar = dir.resolve("big-rootfs.tar");
            assertThat(new ProcessBuilder("tar", "-C", bigRoot.toString(), "-cf", bigTar.toString(), ".")
                    .start().waitFor()).isZero();
            docker.run("import", bigTar.toString(), "big:1").ok();
            bigId = docker.run("image", "inspect", "big:1", "--format", "{{.Id}}").ok().out().trim();
            docker.run("save", "-o", archive.toString(), "big:1").ok();
            docker.run("rmi", "big:1").ok();

            // Feed half of the archive, then kill the daemon while it waits for the rest.
            Process load = new ProcessBuilder(DockerCli.binary().toString(), "-H", "unix://" + daemon.socket, "load")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("load.out").toFile()).start();
            byte[] bytes = Files.readAllBytes(archive);
            try (OutputStream in = load.getOutputStream()) {
                in.write(bytes, 0, bytes.length / 2);
                in.flush();
                Thread.sleep(500);
                daemon.process().destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            } catch (java.io.IOException e) {
                // the client noticed first
            }
            assertThat(load.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(load.exitValue()).isNotZero();
        } finally {
            daemon.close();
        }

        BerthdProcess again = BerthdProcess.start(d);
        try {
            DockerCli docker = new DockerCli("unix://" + again.socket, dir.resolve("cfg"));
            String images = docker.run("images", "--format", "{{.Repository}}:{{.Tag}}").ok().out();
            assertThat(images.lines().toList()).containsExactly("base:1");
            docker.run("image", "inspect", "base:1").ok();
            assertThat(docker.run("image", "inspect", bigId).exit()).isEqualTo(1);
            // The interrupted write is gone, not parked where a reader could find it.
            Path ingest = d.resolve("data/image/content/ingest");
            if (Files.isDirectory(ingest)) {
                try (Stream<Path> left = Files.list(ingest)) {
                    assertThat(left.toList()).isEmpty();
                }
            }
            // Every blob under its final name holds exactly the content its name promises.
            try (Stream<Path> blobs = Files.walk(d.resolve("data/image/content/blobs/sha256"), 1)) {
                for (Path blob : blobs.filter(Files::isRegularFile).toList()) {
                    assertThat(sha256(blob)).as("blob %s", blob).isEqualTo(blob.getFileName().toString());
                }
            }
            DockerCli.Result loaded = docker.run("load", "-i", archive.toString());
            assertThat(loaded.exit()).as(loaded.err()).isZero();
            assertThat(loaded.out()).contains("Loaded image: big:1");
            assertThat(docker.run("image", "inspect", "big:1", "--format", "{{.Id}}").ok().out().trim()).isEqualTo(bigId);
        } finally {
            again.close();
        }
    }

    private static String sha256(Path file) throws Exception {
        var md = java.security.MessageDigest.getInstance("SHA-256");
        try (var in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return java.util.HexFormat.of().formatHex(md.digest());
    }
}
