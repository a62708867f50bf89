package dev.berth.image.snapshot;

import dev.berth.linux.FileModes;
import dev.berth.linux.FileNodes;
import dev.berth.linux.FileOwners;
import dev.berth.linux.FileTimes;
import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.Map;

/**
 * Copies a tree with everything a layer can carry: file types (devices, fifos, sockets,
 * symlinks), owners, all mode bits, extended attributes, times, and hard links between files of
 * the tree. Symlinks are copied as links and never followed. This is {@code cp -a} for
 * {@link CopyingSnapshotter}.
 */
final class TreeCopier {
    private static final String ATTRS = "unix:uid,gid,mode,nlink,rdev,lastModifiedTime,lastAccessTime";

    private TreeCopier() {}

    /** Copies the contents of directory {@code from} into the existing directory {@code to}. */
    static void copy(Path from, Path to) throws IOException {
        Map<Object, Path> linked = new HashMap<>();
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(dir).toString());
                if (!dir.equals(from)) {
                    Files.createDirectory(target);
                }
                metadata(dir, target, Files.readAttributes(dir, ATTRS, LinkOption.NOFOLLOW_LINKS), false);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(file).toString());
                Map<String, Object> unix = Files.readAttributes(file, ATTRS, LinkOption.NOFOLLOW_LINKS);
                if (!attrs.isSymbolicLink() && (Integer) unix.get("nlink") > 1) {
                    Path first = linked.putIfAbsent(attrs.fileKey(), target);
                    if (first != null) {
                        Files.createLink(target, first);
                        return FileVisitResult.CONTINUE;
                    }
                }
                if (attrs.isRegularFile()) {
                    Files.copy(file, target, LinkOption.NOFOLLOW_LINKS);
                } else if (attrs.isSymbolicLink()) {
                    Files.createSymbolicLink(target, Files.readSymbolicLink(file));
                } else {
                    // character and block devices, fifos and sockets: mknod(2) makes them all
                    FileNodes.mknod(target, (Integer) unix.get("mode"), (Long) unix.get("rdev"));
                }
                metadata(file, target, unix, true);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                // after the children, whose creation changed the directory's mtime
                Map<String, Object> unix = Files.readAttributes(dir, ATTRS, LinkOption.NOFOLLOW_LINKS);
                Path target = to.resolve(from.relativize(dir).toString());
                FileTimes.set(target, ((FileTime) unix.get("lastAccessTime")).toInstant(),
                        ((FileTime) unix.get("lastModifiedTime")).toInstant());
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Owner first: chown(2) clears setuid/setgid and security.capability, so mode and xattrs follow it. */
    private static void metadata(Path source, Path target, Map<String, Object> unix, boolean times)
            throws IOException {
        FileOwners.lchown(target, Integer.toUnsignedLong((Integer) unix.get("uid")),
                Integer.toUnsignedLong((Integer) unix.get("gid")));
        if (!Files.isSymbolicLink(target)) {
            FileModes.chmod(target, (Integer) unix.get("mode"));
        }
        for (Map.Entry<String, byte[]> x : Xattrs.getAll(source).entrySet()) {
            Xattrs.set(target, x.getKey(), x.getValue());
        }
        if (times) {
            FileTimes.set(target, ((FileTime) unix.get("lastAccessTime")).toInstant(),
                    ((FileTime) unix.get("lastModifiedTime")).toInstant());
        }
    }
}
