package dev.berth.daemon.container;

import dev.berth.daemon.http.ApiException;
import dev.berth.oci.runtime.RootfsPath;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A container's working directory ({@code -w}, the image's {@code WORKDIR}), made where the image lacks it. */
final class WorkingDirectory {
    private WorkingDirectory() {}

    /**
     * Makes the working directory in the container's own layer if the image lacks it, owned by
     * root with mode 0755, as dockerd does at create. Nothing runs in the container yet, so the
     * path resolved within the root stays what it names.
     */
    static void make(Path rootfs, String workingDir) throws IOException {
        if (workingDir == null || workingDir.isEmpty()) {
            return;
        }
        Path target = RootfsPath.resolve(rootfs, workingDir);
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw ApiException.invalid("Cannot mkdir: " + workingDir + " is not a directory");
        }
        Path made = rootfs;
        for (Path part : rootfs.relativize(target)) {
            made = made.resolve(part);
            if (!Files.isDirectory(made, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(made, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                } catch (FileAlreadyExistsException e) {
                    throw ApiException.invalid("Cannot mkdir: " + workingDir + " is not a directory");
                }
            }
        }
    }
}
