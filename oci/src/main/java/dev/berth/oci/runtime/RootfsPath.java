package dev.berth.oci.runtime;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path as the container will see it into a host path that stays inside the
 * rootfs, the way Go's {@code securejoin.SecureJoin} does for runc.
 *
 * <p>A container image is untrusted input. If the runtime mounted onto
 * {@code rootfs + "/" + destination} directly, a symlink in the image such as
 * {@code /etc -> /host-etc} or {@code /x -> ../../../../} would make the mount land on the
 * host (CVE-2015-1335 in LXC, and the class of bugs runc's securejoin exists for). So every
 * component is looked at with {@code lstat}: a symlink is expanded and its target resolved
 * again, with an absolute target starting over at the rootfs, and {@code ..} never climbs above
 * the rootfs (as {@code /..} is {@code /}). Components that do not exist are kept as written,
 * so the result names what the runtime may create (a mount point, a device node).
 *
 * <p>This is a check of the tree as it is now: a process that can write into the rootfs while
 * the runtime works can swap a directory for a symlink afterwards (CVE-2021-30465 was that race
 * in runc's mount code). The runtime therefore uses
 * the result to decide and report, and opens the final path with {@code openat2(2)}
 * {@code RESOLVE_IN_ROOT} (or its equivalent in the shim) when it acts.
 */
public final class RootfsPath {
    /** Linux's own limit ({@code MAXSYMLINKS} is 40 per lookup); securejoin allows 255. */
    static final int MAX_SYMLINKS = 255;

    private RootfsPath() {}

    /**
     * Returns the host path under {@code rootfs} that {@code containerPath} names inside the
     * container. {@code containerPath} is read as absolute even without a leading slash.
     *
     * @throws FileSystemException "too many levels of symbolic links" after
     *     {@value #MAX_SYMLINKS} links (a loop, or a hostile image)
     * @throws IOException if a component cannot be examined (permission denied)
     */
    public static Path resolve(Path rootfs, String containerPath) throws IOException {
        Deque<String> pending = new ArrayDeque<>();
        push(pending, containerPath);
        List<String> resolved = new ArrayList<>();
        int links = 0;
        while (!pending.isEmpty()) {
            String part = pending.pop();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!resolved.isEmpty()) {
                    resolved.removeLast();
                }
                continue;
            }
            Path candidate = join(rootfs, resolved).resolve(part);
            BasicFileAttributes attrs = lstat(candidate);
            if (attrs == null || !attrs.isSymbolicLink()) {
                resolved.add(part);
                continue;
            }
            if (++links > MAX_SYMLINKS) {
                throw new FileSystemException(containerPath, null, "too many levels of symbolic links");
            }
            String target = Files.readSymbolicLink(candidate).toString();
            if (target.startsWith("/")) {
                resolved.clear(); // an absolute link target means the container's root
            }
            push(pending, target);
        }
        return join(rootfs, resolved);
    }

    /** Puts the components of {@code path} in front of what is still to be resolved. */
    private static void push(Deque<String> pending, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            pending.push(parts[i]);
        }
    }

    private static Path join(Path rootfs, List<String> parts) {
        Path p = rootfs;
        for (String part : parts) {
            p = p.resolve(part);
        }
        return p;
    }

    /**
     * {@code lstat}, or null if nothing is there: either the entry is missing, or a component
     * before it is not a directory (ENOTDIR), which for lookup purposes is the same thing.
     */
    private static BasicFileAttributes lstat(Path p) throws IOException {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            // Java reports ENOTDIR as a plain FileSystemException; tell it apart from EACCES by
            // looking at the parent instead of at the (localised) message.
            Path parent = p.getParent();
            if (parent != null && !Files.isDirectory(parent, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            throw e;
        }
    }
}
