package dev.berth.image.layer;

import dev.berth.linux.FileModes;
import dev.berth.linux.FileNodes;
import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the directory a layer entry goes into without ever leaving the layer root.
 *
 * <p>An entry's own name is checked lexically first ({@link #components}): {@code ..} that
 * climbs above the root is refused, a leading {@code /} is dropped (the name is relative to the
 * root, as Docker and containerd read it). Then its parent directories are walked one component
 * at a time with {@code lstat}, never letting the kernel follow a link: a symlink met on the way
 * is resolved by this class as if the root were {@code /} (an absolute target restarts at the
 * root, {@code ..} stops at it), the way a chroot would, so {@code lib -> /usr/lib} from an earlier
 * layer works and {@code evil -> /etc} leads to {@code <root>/etc}, never to the host's. The
 * final component is never followed at all: the applier replaces whatever is there.
 *
 * <p>This walk is race-free because nothing else writes to the tree while a layer is applied to
 * it (a snapshot being unpacked has no users yet). Resolved directories are cached per layer;
 * the cache is dropped whenever a directory or symlink is removed.
 */
final class PathResolver {
    /** Linux's MAXSYMLINKS (path_resolution(7)). */
    private static final int MAX_LINKS = 40;

    /** Why an entry was refused; the applier names the entry in front of it. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private final Path root;
    private final boolean overlay;
    private final Map<List<String>, Path> cache = new HashMap<>();

    PathResolver(Path root, boolean overlay) {
        this.root = root;
        this.overlay = overlay;
    }

    /** The components of a tar name, lexically cleaned; refused if {@code ..} climbs above the root. */
    static List<String> components(String name) throws Refused {
        List<String> out = new ArrayList<>();
        for (String c : name.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (out.isEmpty()) {
                    throw new Refused("escapes the layer root");
                }
                out.removeLast();
                continue;
            }
            out.add(c);
        }
        return out;
    }

    /**
     * The real directory that {@code dirs} (cleaned components) names inside the root. Missing
     * directories are created (mode 0755, root-owned, as Docker does for a tar without its parent
     * entries) when {@code create} is set, refused otherwise.
     */
    Path directory(List<String> dirs, boolean create) throws IOException, Refused {
        Path cached = cache.get(dirs);
        if (cached != null) {
            return cached;
        }
        Deque<String> todo = new ArrayDeque<>(dirs);
        Path current = root;
        int depth = 0;
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (depth > 0) {
                    current = current.getParent();
                    depth--;
                }
                continue; // ".." at the root stays at the root, as in a chroot
            }
            Path next = current.resolve(c);
            BasicFileAttributes a = lstat(next);
            if (a == null) {
                if (!create) {
                    throw new Refused(relative(next) + ": no such directory in the layer");
                }
                Files.createDirectory(next);
                FileModes.chmod(next, 0755);
            } else if (a.isSymbolicLink()) {
                if (++links > MAX_LINKS) {
                    throw new Refused("too many levels of symbolic links");
                }
                String target = Files.readSymbolicLink(next).toString();
                if (target.startsWith("/")) {
                    current = root;
                    depth = 0;
                }
                String[] parts = target.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    todo.addFirst(parts[i]);
                }
                continue;
            } else if (!a.isDirectory()) {
                if (create && overlay && isWhiteout(next, a)) {
                    // ".wh.d" then "d/x" in one layer: d is a new directory hiding the old one
                    Files.delete(next);
                    Files.createDirectory(next);
                    FileModes.chmod(next, 0755);
                    Xattrs.set(next, LayerApplier.OPAQUE_XATTR, new byte[] {'y'});
                } else {
                    throw new Refused(relative(next) + " is not a directory");
                }
            }
            current = next;
            depth++;
        }
        cache.put(List.copyOf(dirs), current);
        return current;
    }

    /** Forgets resolved directories; called when a directory or symlink is removed. */
    void invalidate() {
        cache.clear();
    }

    String relative(Path p) {
        return root.relativize(p).toString();
    }

    static BasicFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** An overlayfs whiteout: a character device 0/0 (or, since Linux 6.7, an empty file marked by xattr). */
    static boolean isWhiteout(Path p, BasicFileAttributes a) throws IOException {
        if (a.isOther()) {
            int mode = (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & FileNodes.S_IFMT) == FileNodes.S_IFCHR
                    && (Long) Files.getAttribute(p, "unix:rdev", LinkOption.NOFOLLOW_LINKS) == 0;
        }
        return a.isRegularFile() && a.size() == 0 && Xattrs.get(p, "trusted.overlay.whiteout").isPresent();
    }
}
