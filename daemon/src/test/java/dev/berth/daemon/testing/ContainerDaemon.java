package dev.berth.daemon.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.linux.MountInfo;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The setting of the container ITs: a berthd with a temporary root, the docker CLI pointed at it,
 * and the busybox image imported. {@link #removeContainers} is their after-each: every container
 * goes, and none may leave a mount under the data root.
 */
public final class ContainerDaemon implements AutoCloseable {
    public final BerthdProcess daemon;
    public final DockerCli docker;

    private ContainerDaemon(BerthdProcess daemon, DockerCli docker) {
        this.daemon = daemon;
        this.docker = docker;
    }

    /**
     * Starts the daemon under {@code dir}/d with {@code berthdArgs}, with the CLI's config in
     * {@code dir}/docker-config.
     */
    public static ContainerDaemon start(Path dir, String... berthdArgs) throws Exception {
        BerthdProcess daemon = BerthdProcess.start(dir.resolve("d"), berthdArgs);
        try {
            DockerCli docker = new DockerCli("unix://" + daemon.socket, Files.createDirectories(dir.resolve("docker-config")));
            BusyboxImage.importInto(docker, dir);
            return new ContainerDaemon(daemon, docker);
        } catch (Exception | AssertionError e) {
            daemon.close();
            throw e;
        }
    }

    /**
     * Kills this daemon with SIGKILL (by its pid) and starts another on the same roots with
     * {@code berthdArgs}: what a crash and a restart look like to the containers.
     */
    public ContainerDaemon killAndRestart(Path dir, String... berthdArgs) throws Exception {
        kill();
        return restart(dir, berthdArgs);
    }

    /** Kills this daemon with SIGKILL, by its pid, and waits until it is gone. */
    public void kill() throws Exception {
        daemon.process().destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Starts another daemon on this one's roots, after {@link #kill}. */
    public ContainerDaemon restart(Path dir, String... berthdArgs) throws Exception {
        return new ContainerDaemon(BerthdProcess.start(dir.resolve("d"), berthdArgs), docker);
    }

    /** Removes every container, then checks that none left a mount under the data root. */
    public void removeContainers() throws Exception {
        for (String id : docker.run("ps", "-aq").ok().out().lines().toList()) {
            docker.run("rm", "-f", id).ok();
        }
        assertThat(MountInfo.under(daemon.dataRoot)).isEmpty();
    }

    /**
     * After {@link #removeContainers}: no container left runtime state or a bundle (its
     * config.json and fifos) under the exec root either.
     */
    public void assertNoRuntimeStateLeft() throws Exception {
        for (String dir : new String[] {"runtime", "containers"}) {
            Path under = daemon.execRoot.resolve(dir);
            if (Files.isDirectory(under)) {
                try (var left = Files.list(under)) {
                    assertThat(left.toList()).as("left under " + under).isEmpty();
                }
            }
        }
    }

    @Override
    public void close() throws Exception {
        daemon.close();
    }
}
