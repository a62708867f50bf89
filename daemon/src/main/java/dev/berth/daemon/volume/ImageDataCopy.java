package dev.berth.daemon.volume;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.FileModes;
import dev.berth.linux.FileNodes;
import dev.berth.linux.FileOwners;
import dev.berth.linux.Xattrs;
import dev.berth.oci.runtime.RootfsPath;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;

/**
 * Fills a new, empty volume with what the image has at the mount point, as dockerd does on a
 * volume's first use ({@code CopyImagePathContent}): the files with their owners, modes, times,
 * extended attributes and symlinks as they are, and the mount point directory's own owner and
 * mode given to the volume's root, so that {@code VOLUME /data} owned by a user stays writable
 * for that user.
 *
 * <p>The mount point is resolved inside the root filesystem ({@link RootfsPath}), symlinks
 * included: a link in the image that points at {@code /} or {@code ../..} names a place in the
 * image, never on the host.
 */
final class ImageDataCopy {
    private ImageDataCopy() {}

    /** Whether the image has a directory at {@code destination} to copy (links in the image followed inside it). */
    static boolean hasSource(Path rootfs, String destination) throws IOException {
        return Files.isDirectory(RootfsPath.resolve(rootfs, destination), LinkOption.NOFOLLOW_LINKS);
    }

    /** Copies {@code rootfs}'s {@code destination} into {@code data}, if it is a directory and {@code data} is empty. */
    static void copy(Path rootfs, String destination, Path data) throws IOException {
        Path source = RootfsPath.resolve(rootfs, destination);
        if (!Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS) || !isEmpty(data)) {
            return;
        }
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path target = data.resolve(source.relativize(dir).toString());
                if (!dir.equals(source)) {
                    Files.createDirectory(target);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = data.resolve(source.relativize(file).toString());
                if (attrs.isSymbolicLink()) {
                    FileNodes.symlink(Files.readSymbolicLink(file).toString(), target);
                } else if (attrs.isRegularFile()) {
                    Files.copy(file, target, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                } else {
                    // fifos and device nodes: made again with the same type and number
                    int mode = (Integer) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                    long rdev = (Long) Files.getAttribute(file, "unix:rdev", LinkOption.NOFOLLOW_LINKS);
                    FileNodes.mknod(target, mode, rdev);
                }
                copyMetadata(file, target, !attrs.isSymbolicLink());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                copyMetadata(dir, data.resolve(source.relativize(dir).toString()), true);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static void copyMetadata(Path from, Path to, boolean modeAndTimes) throws IOException {
        Map<String, Object> unix = Files.readAttributes(from, "unix:uid,gid,mode,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        FileOwners.lchown(to, (Integer) unix.get("uid"), (Integer) unix.get("gid"));
        for (Map.Entry<String, byte[]> x : xattrs(from).entrySet()) {
            try {
                Xattrs.set(to, x.getKey(), x.getValue());
            } catch (ErrnoException e) {
                // a namespace this filesystem or this daemon may not write (trusted.*): the data still counts
            }
        }
        if (modeAndTimes) {
            // after chown, which clears set-uid bits
            FileModes.chmod(to, (Integer) unix.get("mode") & 07777);
            Files.setLastModifiedTime(to, (FileTime) unix.get("lastModifiedTime"));
        }
    }

    private static Map<String, byte[]> xattrs(Path p) {
        try {
            return Xattrs.getAll(p);
        } catch (ErrnoException e) {
            return Map.of();
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}
