package dev.berth.daemon.container;

import dev.berth.linux.FileModes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A container's filesystem as the container sees it, read from the daemon's side: its root
 * filesystem mount plus the host directories and files bound over paths in it (binds, volumes,
 * the hostname, hosts and resolv.conf files; see {@link ArchiveMounts}). {@code docker cp} and
 * the archive endpoints name paths the way a process in the container would; this class turns
 * such a path into the host path that holds it, without ever leaving the container.
 *
 * <p>Paths are resolved one component at a time with {@code lstat}, never letting the kernel
 * follow a link: a symlink is read and resolved here as if the container's root were {@code /}
 * (an absolute target restarts at the root, {@code ..} stops at it), as Docker's
 * {@code FollowSymlinkInScope} does. A component that is the destination of a bind continues in
 * the bind's source. So {@code ../../etc/shadow} is the container's {@code /etc/shadow}, and a
 * link to {@code /} is the container's root, never the host's.
 *
 * <p>Why not {@code /proc/<pid>/root}: it shows the running container's mounts exactly, but a
 * path opened through it lets the kernel resolve an absolute symlink against the daemon's root,
 * which is the host; only {@code openat2(RESOLVE_IN_ROOT)} would keep it inside, and it would
 * still not serve a stopped container. Resolving here serves both the same way. The walk is not
 * atomic against a running container that swaps a directory for a link meanwhile: copies
 * freeze the container first (see {@link ContainerArchive}).
 */
final class ContainerView {
    /** Linux's MAXSYMLINKS (path_resolution(7)). */
    private static final int MAX_LINKS = 40;

    private final Path rootfs;
    /** Container path (absolute, clean) to the host path bound there. */
    private final TreeMap<String, Path> binds;

    ContainerView(Path rootfs, Map<String, Path> binds) {
        this.rootfs = rootfs;
        this.binds = new TreeMap<>(binds);
    }

    /** A path that could not be resolved: missing ({@code missing}) or through a non-directory. */
    static final class Unresolvable extends Exception {
        private static final long serialVersionUID = 1L;
        final boolean missing;

        Unresolvable(String reason, boolean missing) {
            super(reason, null, false, false);
            this.missing = missing;
        }
    }

    /** A resolved path: where it is in the container (clean, absolute, links followed) and on the host. */
    record Resolved(String containerPath, Path hostPath) {}

    /** The components of {@code path}, cleaned lexically; {@code ..} above the root stays at the root. */
    static List<String> components(String path) {
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!out.isEmpty()) {
                    out.removeLast();
                }
                continue;
            }
            out.add(c);
        }
        return out;
    }

    /**
     * Resolves {@code path}: every directory on the way is followed if it is a link; the last
     * component only if {@code followLast}. The last component need not exist; a missing
     * directory before it is {@link Unresolvable#missing}, created instead when {@code create}.
     */
    Resolved resolve(String path, boolean followLast, boolean create) throws IOException, Unresolvable {
        Deque<String> todo = new ArrayDeque<>(components(path));
        List<String> done = new ArrayList<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String c = todo.pollFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (!done.isEmpty()) {
                    done.removeLast();
                }
                continue;
            }
            done.add(c);
            boolean last = todo.isEmpty();
            Path host = hostPath(done);
            BasicFileAttributes a = lstat(host);
            if (a == null) {
                if (last) {
                    break;
                }
                if (!create && mountedBelow(done)) {
                    // a mount point the runtime has not made yet (a container never started): the bind is there
                    continue;
                }
                if (!create) {
                    throw new Unresolvable(join(done) + ": no such file or directory", true);
                }
                Files.createDirectory(host);
                FileModes.chmod(host, 0755);
                continue;
            }
            if (a.isSymbolicLink() && (!last || followLast)) {
                if (++links > MAX_LINKS) {
                    throw new Unresolvable(join(done) + ": too many levels of symbolic links", false);
                }
                done.removeLast();
                String target = Files.readSymbolicLink(host).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                String[] parts = target.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    todo.addFirst(parts[i]);
                }
            } else if (!last && !a.isDirectory()) {
                throw new Unresolvable(join(done) + ": not a directory", false);
            }
        }
        return new Resolved(join(done), hostPath(done));
    }

    /** The host path of a clean container path, through the binds: no link is followed. */
    Path hostPath(List<String> components) {
        Path base = rootfs;
        int from = 0;
        // the deepest bind that covers the path wins, as the later mount on top would
        for (int i = components.size(); i > 0; i--) {
            Path bound = binds.get(join(components.subList(0, i)));
            if (bound != null) {
                base = bound;
                from = i;
                break;
            }
        }
        Path p = base;
        for (String c : components.subList(from, components.size())) {
            p = p.resolve(c);
        }
        return p;
    }

    /** Whether a bind lies somewhere below the directory {@code components}. */
    private boolean mountedBelow(List<String> components) {
        String prefix = components.isEmpty() ? "/" : join(components) + "/";
        String next = binds.ceilingKey(prefix);
        return next != null && next.startsWith(prefix);
    }

    /** The host path bound at the container path {@code containerPath}, if a bind is there. */
    Path boundAt(String containerPath) {
        return binds.get(containerPath);
    }

    static String join(List<String> components) {
        return components.isEmpty() ? "/" : "/" + String.join("/", components);
    }

    static BasicFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }
}
