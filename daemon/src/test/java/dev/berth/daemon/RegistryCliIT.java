package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.DockerCli;
import dev.berth.daemon.testing.RequiresDockerCli;
import dev.berth.image.registry.TestRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real docker CLI pushing to and pulling from Debian's real registry ({@code docker-registry},
 * on 127.0.0.1 and a random port) through a real berthd: an imported busybox is pushed, removed,
 * pulled back with the same ID, pulled again (up to date); a missing tag fails as Docker fails.
 * Nothing leaves the host.
 */
@RequiresDockerCli
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RegistryCliIT {
    @TempDir
    static Path dir;

    private static TestRegistry registry;
    private static BerthdProcess daemon;
    private static DockerCli docker;
    private static String name;
    private static String importedId;
    private static String pushedDigest;

    @BeforeAll
    static void start() throws Exception {
        TestRegistry.assumeInstalled();
        registry = TestRegistry.plain(dir.resolve("registry"));
        daemon = BerthdProcess.start(dir.resolve("d"));
        docker = new DockerCli("unix://" + daemon.socket, Files.createDirectories(dir.resolve("docker-config")));
        name = registry.host() + "/test/busybox";
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (daemon != null) {
                daemon.close();
            }
        } finally {
            if (registry != null) {
                registry.close();
            }
        }
    }

    private static String images() throws Exception {
        return docker.run("images", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").ok().out();
    }

    private static void print(String what, DockerCli.Result r) {
        System.out.println("--- " + what + " (exit " + r.exit() + ") ---\n" + r.out() + r.err());
    }

    @Test
    @Order(1)
    void pushAnImportedImage() throws Exception {
        Path tar = ImageCliIT.busyboxRootfs(dir.resolve("rootfs"), dir.resolve("busybox-rootfs.tar"));
        importedId = docker.run("import", tar.toString(), name + ":v1").ok().out().trim();
        assertThat(importedId).matches("sha256:[0-9a-f]{64}");

        DockerCli.Result push = docker.run("push", name + ":v1");
        print("docker push " + name + ":v1", push);
        assertThat(push.exit()).isZero();
        assertThat(push.out()).contains("The push refers to repository [" + name + "]")
                .containsPattern("v1: digest: sha256:[0-9a-f]{64} size: \\d+");
        pushedDigest = push.out().replaceAll("(?s).*v1: digest: (sha256:[0-9a-f]{64}).*", "$1");
        assertThat(registry.log()).contains("PUT /v2/test/busybox/manifests/v1");

        DockerCli.Result digests = docker.run("image", "inspect", name + ":v1", "--format", "{{json .RepoDigests}}").ok();
        assertThat(digests.out()).contains(name + "@" + pushedDigest);

        DockerCli.Result again = docker.run("push", name + ":v1");
        print("docker push again", again);
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("Layer already exists").contains("v1: digest: " + pushedDigest);
    }

    @Test
    @Order(2)
    void pullItBackWithTheSameId() throws Exception {
        DockerCli.Result rmi = docker.run("rmi", name + ":v1");
        print("docker rmi", rmi);
        assertThat(rmi.exit()).isZero();
        assertThat(images()).doesNotContain(importedId);

        DockerCli.Result pull = docker.run("pull", name + ":v1");
        print("docker pull " + name + ":v1", pull);
        assertThat(pull.exit()).isZero();
        assertThat(pull.out()).contains("v1: Pulling from test/busybox")
                .contains("Digest: " + pushedDigest)
                .contains("Status: Downloaded newer image for " + name + ":v1");
        assertThat(images()).contains(name + ":v1 " + importedId);
        DockerCli.Result digests = docker.run("image", "inspect", name + ":v1", "--format", "{{json .RepoDigests}}").ok();
        assertThat(digests.out()).contains(name + "@" + pushedDigest);

        DockerCli.Result again = docker.run("pull", name + ":v1");
        print("docker pull again", again);
        assertThat(again.exit()).isZero();
        assertThat(again.out()).contains("Status: Image is up to date for " + name + ":v1");
    }

    @Test
    @Order(3)
    void pullByDigest() throws Exception {
        DockerCli.Result pull = docker.run("pull", name + "@" + pushedDigest);
        print("docker pull by digest", pull);
        assertThat(pull.exit()).isZero();
        assertThat(pull.out()).contains("Digest: " + pushedDigest);
    }

    @Test
    @Order(4)
    void pullingAMissingTagFails() throws Exception {
        DockerCli.Result pull = docker.run("pull", name + ":nope");
        print("docker pull " + name + ":nope", pull);
        assertThat(pull.exit()).isEqualTo(1);
        assertThat(pull.err()).contains("Error response from daemon")
                .contains("manifest for " + name + ":nope not found").contains("manifest unknown");

        DockerCli.Result missingRepo = docker.run("pull", registry.host() + "/test/absent:v1");
        print("docker pull of a missing repository", missingRepo);
        assertThat(missingRepo.exit()).isEqualTo(1);
        assertThat(missingRepo.err()).contains("Error response from daemon");
    }

    @Test
    @Order(5)
    void pushingAMissingImageFails() throws Exception {
        DockerCli.Result push = docker.run("push", name + ":absent");
        print("docker push of a missing tag", push);
        assertThat(push.exit()).isEqualTo(1);
        assertThat(push.err()).contains("An image does not exist locally with the tag: " + name);
    }

    @Test
    @Order(6)
    void basicAuthRegistryNeedsDockerLogin() throws Exception {
        try (TestRegistry secured = TestRegistry.basicAuth(dir.resolve("secured"), "berth", "s3cret")) {
            String secure = secured.host() + "/team/busybox:v1";
            docker.run("tag", name + ":v1", secure).ok();

            DockerCli.Result anonymousPush = docker.run("push", secure);
            print("docker push without login", anonymousPush);
            assertThat(anonymousPush.exit()).isEqualTo(1);
            assertThat(anonymousPush.err()).contains("unauthorized");

            DockerCli.Result wrong = docker.run("login", "-u", "berth", "-p", "wrong", secured.host());
            print("docker login with a wrong password", wrong);
            assertThat(wrong.exit()).isEqualTo(1);
            assertThat(wrong.err()).contains("Error response from daemon");

            DockerCli.Result login = docker.run("login", "-u", "berth", "-p", "s3cret", secured.host());
            print("docker login", login);
            assertThat(login.exit()).isZero();
            assertThat(login.out()).contains("Login Succeeded");

            DockerCli.Result push = docker.run("push", secure);
            print("docker push after login", push);
            assertThat(push.exit()).isZero();
            assertThat(push.out()).contains("v1: digest: sha256:");

            docker.run("rmi", secure).ok();
            DockerCli.Result pull = docker.run("pull", secure);
            print("docker pull after login", pull);
            assertThat(pull.exit()).isZero();
            assertThat(pull.out()).contains("Status: Downloaded newer image for " + secure);
            assertThat(images()).contains(secure + " " + importedId);

            docker.run("logout", secured.host()).ok();
            docker.run("rmi", secure).ok();
            DockerCli.Result denied = docker.run("pull", secure);
            print("docker pull after logout", denied);
            assertThat(denied.exit()).isEqualTo(1);
            assertThat(denied.err()).contains("pull access denied for " + secured.host() + "/team/busybox");
        }
    }

    @Test
    @Order(7)
    void pullAndPushEventsAreLogged() throws Exception {
        long until = java.time.Instant.now().getEpochSecond() + 1;
        DockerCli.Result r = docker.run("system", "events", "--since", "0", "--until", Long.toString(until),
                "--filter", "type=image", "--format", "{{.Action}} {{.Actor.Attributes.name}}").ok();
        print("docker system events", r);
        assertThat(r.out()).contains("push " + name + ":v1").contains("pull " + name + ":v1");
    }
}
