package dev.berth.image.archive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** A root filesystem tarball made from the host's static busybox, as the quickstart imports one. */
final class BusyboxRootfs {
    static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxRootfs() {}

    static byte[] tar() throws IOException {
        Assumptions.assumeTrue(Files.isRegularFile(BUSYBOX), "needs /bin/busybox (Debian: busybox-static)");
        byte[] busybox = Files.readAllBytes(BUSYBOX);
        return new Tars()
                .directory("bin")
                .file("bin/busybox", busybox, 0755)
                .symlink("bin/sh", "busybox")
                .symlink("bin/ls", "busybox")
                .directory("etc")
                .file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n")
                .directory("tmp")
                .bytes();
    }
}
