package dev.berth.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of {@code /proc/self/mountinfo} (proc(5)): what is mounted where in this process's
 * mount namespace.
 *
 * @param id            the mount ID
 * @param parentId      the ID of the parent mount
 * @param root          the path inside the source filesystem that forms this mount's root
 * @param mountPoint    where it is mounted
 * @param mountOptions  per-mount options ({@code rw,nosuid,relatime})
 * @param fsType        the filesystem type ({@code overlay}, {@code ext4})
 * @param source        the mount source ({@code overlay}, {@code /dev/vda})
 * @param superOptions  per-superblock options (for overlay, its {@code lowerdir=…})
 */
public record MountInfo(int id, int parentId, String root, Path mountPoint, String mountOptions,
                        String fsType, String source, String superOptions) {

    /** This process's mounts, in the kernel's order (parents before children). */
    public static List<MountInfo> read() throws IOException {
        List<MountInfo> mounts = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            mounts.add(parse(line));
        }
        return mounts;
    }

    /** The mounts at or below {@code dir}, deepest last (unmount them in reverse). */
    public static List<MountInfo> under(Path dir) throws IOException {
        Path abs = dir.toAbsolutePath().normalize();
        List<MountInfo> found = new ArrayList<>();
        for (MountInfo m : read()) {
            if (m.mountPoint().startsWith(abs)) {
                found.add(m);
            }
        }
        return found;
    }

    /** Whether something is mounted exactly at {@code dir}. */
    public static boolean isMountPoint(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        try {
            return read().stream().anyMatch(m -> m.mountPoint().equals(abs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static MountInfo parse(String line) {
        // 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue
        String[] f = line.split(" ");
        int dash = 6;
        while (dash < f.length && !f[dash].equals("-")) {
            dash++;
        }
        if (dash + 3 > f.length) {
            throw new IllegalArgumentException("malformed mountinfo line: " + line);
        }
        return new MountInfo(Integer.parseInt(f[0]), Integer.parseInt(f[1]), unescape(f[3]),
                Path.of(unescape(f[4])), f[5], f[dash + 1], unescape(f[dash + 2]),
                dash + 3 < f.length ? unescape(f[dash + 3]) : "");
    }

    /** The kernel writes space, tab, newline and backslash as octal escapes ({@code \040}). */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '7') {
                return false;
            }
        }
        return true;
    }
}
