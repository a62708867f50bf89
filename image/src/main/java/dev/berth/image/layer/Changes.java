package dev.berth.image.layer;

import dev.berth.image.ImageException;
import dev.berth.image.snapshot.Mount;
import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code docker diff}: what a container changed, read from its overlay upper directory and the
 * lower layers under it, the way overlayfs itself would look them up.
 *
 * <ul>
 *   <li>a whiteout in the upper directory: {@code D}</li>
 *   <li>an entry no lower layer has: {@code A}, and {@code A} for everything below it</li>
 *   <li>a file, link or device that a lower layer has too: {@code C}</li>
 *   <li>a directory a lower layer has too: {@code C} if its mode, owner or modification time
 *       differ (adding a file changes the time, as it does for Docker), otherwise only its
 *       contents are reported</li>
 *   <li>an opaque directory (deleted and made again): {@code C}, {@code D} for each lower entry it
 *       hides, and its contents compared against nothing</li>
 * </ul>
 * Paths are absolute as seen in the container and sorted.
 */
public final class Changes {
    private Changes() {}

    /** The changes of an active snapshot whose mounts are {@code mounts} (one overlay, or one bind mount of a base). */
    public static List<Change> of(List<Mount> mounts) throws ImageException {
        if (mounts.size() == 1 && mounts.getFirst().type().equals("overlay")
                && mounts.getFirst().option("upperdir").isPresent()) {
            Mount m = mounts.getFirst();
            return ofOverlay(Path.of(m.option("upperdir").orElseThrow()), m.lowerDirs().stream().map(Path::of).toList());
        }
        if (mounts.size() == 1 && mounts.getFirst().type().equals("bind") && !mounts.getFirst().readOnly()) {
            return ofOverlay(Path.of(mounts.getFirst().source()), List.of()); // a snapshot without parent: all added
        }
        throw ImageException.invalid("changes can only be read from an overlay snapshot or one without parent");
    }

    /** The changes in {@code upper} over {@code lowers} (topmost first). */
    public static List<Change> ofOverlay(Path upper, List<Path> lowers) throws ImageException {
        List<Change> out = new ArrayList<>();
        try {
            walk(upper, "/", lowers, out);
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.INTERNAL, "changes of " + upper + ": " + e.getMessage(), e);
        }
        Collections.sort(out);
        return out;
    }

    private static void walk(Path dir, String prefix, List<Path> lowerDirs, List<Change> out) throws IOException {
        for (Path child : list(dir)) {
            String name = child.getFileName().toString();
            String path = prefix + name;
            BasicFileAttributes a = lstat(child);
            if (PathResolver.isWhiteout(child, a)) {
                out.add(new Change(Change.Kind.DELETED, path));
                continue;
            }
            List<Path> below = lookup(lowerDirs, name);
            if (below == null) {
                out.add(new Change(Change.Kind.ADDED, path));
                if (a.isDirectory()) {
                    walk(child, path + "/", List.of(), out);
                }
                continue;
            }
            Path lower = below.getFirst();
            BasicFileAttributes la = lstat(lower);
            if (!a.isDirectory() || !la.isDirectory()) {
                out.add(new Change(Change.Kind.CHANGED, path));
                if (a.isDirectory()) {
                    walk(child, path + "/", List.of(), out);
                }
                continue;
            }
            if (isOpaque(child)) {
                out.add(new Change(Change.Kind.CHANGED, path));
                Set<String> present = new LinkedHashSet<>();
                for (Path c : list(child)) {
                    present.add(c.getFileName().toString());
                }
                for (String hidden : visibleNames(below)) {
                    if (!present.contains(hidden)) {
                        out.add(new Change(Change.Kind.DELETED, path + "/" + hidden));
                    }
                }
                walk(child, path + "/", List.of(), out);
                continue;
            }
            if (!sameMetadata(child, lower)) {
                out.add(new Change(Change.Kind.CHANGED, path));
            }
            walk(child, path + "/", below, out);
        }
    }

    /**
     * Overlay lookup of {@code name} in the lower directories: null if no layer shows it
     * (absent, or whited out); otherwise the paths that make it up, topmost first, which are
     * several only for a directory merged from several layers.
     */
    private static List<Path> lookup(List<Path> lowerDirs, String name) throws IOException {
        List<Path> found = new ArrayList<>();
        for (Path d : lowerDirs) {
            Path p = d.resolve(name);
            BasicFileAttributes a = lstat(p);
            if (a == null) {
                continue;
            }
            if (PathResolver.isWhiteout(p, a)) {
                break;
            }
            if (!a.isDirectory()) {
                if (found.isEmpty()) {
                    found.add(p);
                }
                break;
            }
            found.add(p);
            if (isOpaque(p)) {
                break;
            }
        }
        return found.isEmpty() ? null : found;
    }

    /** The names a merged lower directory shows: first occurrence wins, whiteouts hide. */
    private static Set<String> visibleNames(List<Path> dirs) throws IOException {
        Set<String> seen = new LinkedHashSet<>();
        Set<String> visible = new LinkedHashSet<>();
        for (Path d : dirs) {
            for (Path c : list(d)) {
                String n = c.getFileName().toString();
                if (seen.add(n) && !PathResolver.isWhiteout(c, lstat(c))) {
                    visible.add(n);
                }
            }
        }
        return visible;
    }

    private static boolean sameMetadata(Path upper, Path lower) throws IOException {
        String attrs = "unix:mode,uid,gid,lastModifiedTime";
        Map<String, Object> u = Files.readAttributes(upper, attrs, LinkOption.NOFOLLOW_LINKS);
        Map<String, Object> l = Files.readAttributes(lower, attrs, LinkOption.NOFOLLOW_LINKS);
        for (String k : List.of("mode", "uid", "gid", "lastModifiedTime")) {
            if (!Objects.equals(u.get(k), l.get(k))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isOpaque(Path dir) throws IOException {
        return Xattrs.get(dir, LayerApplier.OPAQUE_XATTR)
                .map(v -> v.length == 1 && v[0] == 'y').orElse(false);
    }

    private static List<Path> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        }
    }

    private static BasicFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
