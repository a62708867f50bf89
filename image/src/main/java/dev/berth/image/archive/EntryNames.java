package dev.berth.image.archive;

import dev.berth.image.ImageException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Normalizes the names inside an image archive and refuses those that would lead out of it.
 * Docker's loader extracts archives into a temporary directory and resolves {@code manifest.json}
 * paths with {@code safePath}; Berth never extracts, but the same rule holds for every name and
 * symlink: {@code ./a//b} is {@code a/b}, {@code a/../b} is {@code b}, and {@code ../x},
 * {@code /etc/passwd} or a symlink to {@code ../../x} is refused with the entry named.
 */
final class EntryNames {
    private EntryNames() {}

    /** The normal form of an entry name; throws if it is absolute or climbs out. */
    static String normalize(String name) throws ImageException {
        if (name.startsWith("/")) {
            throw escape(name);
        }
        String normal = resolve("", name);
        if (normal == null) {
            throw escape(name);
        }
        return normal;
    }

    /**
     * Where a symlink entry {@code linkName} (normalized) pointing at {@code target} leads,
     * inside the archive; throws if it leads out or is absolute.
     */
    static String symlinkTarget(String linkName, String target) throws ImageException {
        if (target.startsWith("/")) {
            throw ImageException.invalid("archive entry \"" + linkName + "\": symlink to \"" + target
                    + "\" points outside the archive");
        }
        int slash = linkName.lastIndexOf('/');
        String dir = slash < 0 ? "" : linkName.substring(0, slash);
        String resolved = resolve(dir, target);
        if (resolved == null) {
            throw ImageException.invalid("archive entry \"" + linkName + "\": symlink to \"" + target
                    + "\" points outside the archive");
        }
        return resolved;
    }

    /** {@code path} joined to {@code base} lexically; null if {@code ..} climbs above the root. */
    private static String resolve(String base, String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : (base + "/" + path).split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    return null;
                }
                parts.removeLast();
            } else {
                parts.addLast(part);
            }
        }
        return String.join("/", parts);
    }

    private static ImageException escape(String name) {
        return ImageException.invalid("archive entry \"" + name + "\": path escapes the archive");
    }
}
