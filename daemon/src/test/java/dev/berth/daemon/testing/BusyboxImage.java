package dev.berth.daemon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The image container tests run: the host's static busybox with a link for each of its applets
 * and a root user, imported as {@code busybox:latest}. Nothing is pulled.
 */
public final class BusyboxImage {
    private BusyboxImage() {}

    /** Builds the image's root filesystem tarball in {@code work} and imports it through {@code docker}. */
    public static void importInto(DockerCli docker, Path work) throws IOException, InterruptedException {
        docker.run("import", tar(work).toString(), "busybox:latest").ok();
    }

    /** The root filesystem as a tar, made by tar(1) in {@code work}. */
    public static Path tar(Path work) throws IOException, InterruptedException {
        Path root = work.resolve("busybox-rootfs");
        Path bin = Files.createDirectories(root.resolve("bin"));
        Path etc = Files.createDirectories(root.resolve("etc"));
        Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
        Process list = new ProcessBuilder("/bin/busybox", "--list").start();
        for (String applet : new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList()) {
            Path link = bin.resolve(applet);
            if (!applet.equals("busybox") && !Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(link, Path.of("busybox"));
            }
        }
        if (list.waitFor() != 0) {
            throw new IOException("busybox --list failed");
        }
        Files.writeString(etc.resolve("hostname"), "berth\n");
        Files.writeString(etc.resolve("passwd"), "root:x:0:0:root:/root:/bin/sh\n");
        Files.writeString(etc.resolve("group"), "root:x:0:\n");
        Path tar = work.resolve("busybox.tar");
        Process p = new ProcessBuilder("tar", "-C", root.toString(), "-cf", tar.toString(), ".")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("tar: " + out);
        }
        return tar;
    }
}
