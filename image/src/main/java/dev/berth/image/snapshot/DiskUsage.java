package dev.berth.image.snapshot;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/** Measures a snapshot's tree for {@link Usage}: walks it without following symlinks. */
final class DiskUsage {
    private DiskUsage() {}

    static Usage of(Path root) throws IOException {
        Set<Object> seen = new HashSet<>();
        long[] size = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                seen.add(attrs.fileKey());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                // fileKey is (st_dev, st_ino): a hard-linked inode counts once
                if (seen.add(attrs.fileKey()) && !attrs.isDirectory()) {
                    size[0] += attrs.size();
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return new Usage(size[0], seen.size());
    }
}
