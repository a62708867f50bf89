package dev.berth.image.layer;

import dev.berth.linux.FileNodes;
import dev.berth.linux.Xattrs;
import dev.berth.oci.image.Digest;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a layer can say about a tree, one line per path: type, mode, owner, mtime (whole
 * seconds, as layers store it), content digest, link text, device number, xattrs, and which
 * paths are hard links of which. Two trees with equal states hold the same layer.
 */
final class TreeState {
    private TreeState() {}

    static Map<String, String> of(Path root) throws IOException {
        Map<String, String> state = new TreeMap<>();
        Map<Object, String> inodes = new HashMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) {
                    state.put(root.relativize(dir).toString(), describe(dir, attrs, inodes));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                state.put(root.relativize(file).toString(), describe(file, attrs, inodes));
                return FileVisitResult.CONTINUE;
            }
        });
        return state;
    }

    private static String describe(Path p, BasicFileAttributes a, Map<Object, String> inodes) throws IOException {
        Map<String, Object> u = Files.readAttributes(p, "unix:mode,uid,gid,rdev,nlink,lastModifiedTime",
                LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) u.get("mode");
        StringBuilder b = new StringBuilder();
        b.append(Integer.toOctalString(mode)).append(' ').append(Integer.toUnsignedString((Integer) u.get("uid")))
                .append(':').append(Integer.toUnsignedString((Integer) u.get("gid")));
        if (!a.isSymbolicLink()) {
            b.append(" t=").append(((FileTime) u.get("lastModifiedTime")).toInstant().getEpochSecond());
        }
        if (!a.isDirectory() && (Integer) u.get("nlink") > 1) {
            String first = inodes.putIfAbsent(a.fileKey(), p.getFileName().toString());
            b.append(" inode=").append(first == null ? p.getFileName() : first);
        }
        if (a.isRegularFile()) {
            b.append(" ").append(Digest.of(Files.readAllBytes(p)));
        } else if (a.isSymbolicLink()) {
            b.append(" -> ").append(Files.readSymbolicLink(p));
        } else if ((mode & FileNodes.S_IFMT) == FileNodes.S_IFCHR || (mode & FileNodes.S_IFMT) == FileNodes.S_IFBLK) {
            long rdev = (Long) u.get("rdev");
            b.append(" dev=").append(FileNodes.major(rdev)).append(',').append(FileNodes.minor(rdev));
        }
        for (Map.Entry<String, byte[]> x : new TreeMap<>(Xattrs.getAll(p)).entrySet()) {
            b.append(' ').append(x.getKey()).append('=').append(HexFormat.of().formatHex(x.getValue()));
        }
        return b.toString();
    }
}
