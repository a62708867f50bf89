package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.image.registry.TestRegistry;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --registry-mirror} through the real docker CLI: berthd's first mirror is a closed port
 * on 127.0.0.1, its second Debian's {@code docker-registry}, and Docker Hub itself is moved to
 * another closed local port ({@code BERTH_REGISTRY_DOCKER_HUB_HOST}), so nothing here can reach
 * the real Docker Hub. {@code docker pull mirrored/thing:1} passes over the dead mirror, is
 * served by the live one and is recorded under its Docker Hub name; an image that no mirror has
 * falls through to the (closed) hub address and fails at once with the connection error.
 */
@RequiresDockerCli
class RegistryMirrorIT {
    @TempDir
    static Path dir;

    private static TestRegistry mirror;
    private static BerthdProcess daemon;
    private static DockerCli docker;
    private static int deadMirrorPort;
    private static int hubPort;

    @BeforeAll
    static void start() throws Exception {
        TestRegistry.assumeInstalled();
        mirror = TestRegistry.plain(dir.resolve("mirror"));
        deadMirrorPort = closedPort();
        hubPort = closedPort();
        daemon = BerthdProcess.start(dir.resolve("d"), Map.of("BERTH_REGISTRY_DOCKER_HUB_HOST", "127.0.0.1:" + hubPort),
                "--registry-mirror", "http://127.0.0.1:" + deadMirrorPort,
                "--registry-mirror", "http://" + mirror.host());
        docker = new DockerCli("unix://" + daemon.socket, Files.createDirectories(dir.resolve("docker-config")));

        // The mirror's content: an imported busybox pushed to the mirror's own name (mirrors never
        // apply to other registries, so this push goes straight there), then removed locally.
        Path tar = ImageCliIT.busyboxRootfs(dir.resolve("rootfs"), dir.resolve("busybox-rootfs.tar"));
        String onMirror = mirror.host() + "/mirrored/thing:1";
        docker.run("import", tar.toString(), onMirror).ok();
        docker.run("push", onMirror).ok();
        docker.run("rmi", onMirror).ok();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (daemon != null) {
                daemon.close();
            }
        } finally {
            if (mirror != null) {
                mirror.close();
            }
        }
    }

    /** A port that nothing listens on: bound once by the kernel's choice, then released. */
    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void print(String what, DockerCli.Result r) {
        System.out.println("--- " + what + " (exit " + r.exit() + ") ---\n" + r.out() + r.err());
    }

    @Test
    void aDockerHubImageComesFromTheLiveMirrorUnderItsDockerHubName() throws Exception {
        assertThat(docker.run("info", "--format", "{{json .RegistryConfig.Mirrors}}").ok().out())
                .contains("http://127.0.0.1:" + deadMirrorPort + "/").contains("http://" + mirror.host() + "/");

        DockerCli.Result pull = docker.run("pull", "mirrored/thing:1");
        print("docker pull mirrored/thing:1", pull);
        assertThat(pull.exit()).isZero();
        assertThat(pull.out()).contains("1: Pulling from mirrored/thing")
                .containsPattern("Digest: sha256:[0-9a-f]{64}")
                .contains("Status: Downloaded newer image for mirrored/thing:1")
                .contains("docker.io/mirrored/thing:1");
        assertThat(mirror.log()).contains("GET /v2/mirrored/thing/manifests/1");
        assertThat(daemon.log()).contains("mirror http://127.0.0.1:" + deadMirrorPort + " failed")
                .contains("connection refused");

        String digests = docker.run("image", "inspect", "docker.io/mirrored/thing:1",
                "--format", "{{json .RepoTags}} {{json .RepoDigests}}").ok().out();
        assertThat(digests).contains("\"mirrored/thing:1\"").containsPattern("\"mirrored/thing@sha256:[0-9a-f]{64}\"")
                .doesNotContain("127.0.0.1");
    }

    @Test
    void anImageNoMirrorHasFallsThroughToDockerHubAndFailsAtOnce() throws Exception {
        DockerCli.Result pull = docker.run("pull", "mirrored/absent:1");
        print("docker pull mirrored/absent:1", pull);
        assertThat(pull.exit()).isNotZero();
        // The hub's address is a closed local port: the last source's error is the pull's.
        assertThat(pull.err()).contains("127.0.0.1:" + hubPort).contains("connection refused");
        assertThat(mirror.log()).contains("GET /v2/mirrored/absent/manifests/1");
        assertThat(docker.run("images", "--format", "{{.Repository}}").ok().out()).doesNotContain("mirrored/absent");
    }
}
