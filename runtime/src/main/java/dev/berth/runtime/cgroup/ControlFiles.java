package dev.berth.runtime.cgroup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads and writes cgroupfs control files and directories, turning every failure into a
 * {@link CgroupException} that names the file and the kernel's answer.
 *
 * <p>Writes are a plain {@code open(O_WRONLY|O_TRUNC)} and one {@code write(2)} of the value.
 * This is the one place where Berth does not write through a temporary file and a rename:
 * cgroupfs has no regular files to rename, and the kernel parses each {@code write(2)} as one
 * command, so a multi-rule file ({@code devices.allow}, {@code io.max}) gets one write per rule.
 * Writes never create a file: a control file that is missing is a controller this kernel lacks.
 */
final class ControlFiles {
    /** The kernel's "max" in a control file reads back as this (all bits set, u64 max). */
    static final long MAX = -1;

    private ControlFiles() {}

    /** Writes {@code value} to {@code file}; {@code what} names the limit in the error. */
    static void write(String what, Path file, String value) throws CgroupException {
        write(what, file, value, e -> null);
    }

    /** Writes, and on failure asks {@code hint} for a parenthesised explanation (may be null). */
    static void write(String what, Path file, String value, Function<IOException, String> hint)
            throws CgroupException {
        try {
            Files.write(file, value.getBytes(StandardCharsets.US_ASCII),
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw CgroupException.write(what, file, e, hint.apply(e));
        }
    }

    /** The trimmed content, or a {@link CgroupException} naming the file. */
    static String read(Path file) throws CgroupException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (IOException e) {
            throw new CgroupException("read " + file + ": " + CgroupException.reason(e), e);
        }
    }

    /** The trimmed content, or null if there is no such file (or cgroup). */
    static String readIfExists(Path file) throws CgroupException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII).trim();
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new CgroupException("read " + file + ": " + CgroupException.reason(e), e);
        }
    }

    /** A number, {@code max} as {@link #MAX}; 0 if the file is missing. */
    static long readLong(Path file) throws CgroupException {
        String s = readIfExists(file);
        return s == null || s.isEmpty() ? 0 : parse(file, s);
    }

    /** A number of u64 range ({@code max} is {@link #MAX}) in the text of {@code file}. */
    static long parse(Path file, String s) throws CgroupException {
        if (s.equals("max")) {
            return MAX;
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            try {
                // signed values such as memory.limit_in_bytes' "-1" or cpu.cfs_quota_us' "-1"
                return Long.parseLong(s);
            } catch (NumberFormatException e2) {
                throw new CgroupException("read " + file + ": not a number: " + s);
            }
        }
    }

    /**
     * The {@code key value} lines of a flat keyed file ({@code memory.stat}, {@code cpu.stat},
     * {@code memory.events}), in file order; empty if the file is missing.
     */
    static Map<String, Long> readKeyed(Path file) throws CgroupException {
        String s = readIfExists(file);
        Map<String, Long> out = new LinkedHashMap<>();
        if (s == null) {
            return out;
        }
        for (String line : s.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2) {
                out.put(f[0], parse(file, f[1]));
            }
        }
        return out;
    }

    /** Whitespace-separated numbers ({@code cpuacct.usage_percpu}); empty if missing. */
    static List<Long> readList(Path file) throws CgroupException {
        String s = readIfExists(file);
        List<Long> out = new ArrayList<>();
        if (s != null && !s.isEmpty()) {
            for (String v : s.split("\\s+")) {
                out.add(parse(file, v));
            }
        }
        return out;
    }

    /** The pids listed in a {@code cgroup.procs} file; empty if the cgroup is gone. */
    static List<Integer> readPids(Path procs) throws CgroupException {
        String s = readIfExists(procs);
        List<Integer> out = new ArrayList<>();
        if (s != null && !s.isEmpty()) {
            for (String line : s.split("\n")) {
                out.add(Integer.parseInt(line.trim()));
            }
        }
        return out;
    }

    /**
     * Creates {@code dir} and any missing parents up to {@code root}, and returns what it made,
     * top-down. Another container may remove a shared parent (such as {@code /berth}) between
     * our mkdir of it and of its child, so a vanished parent is made again, a few times.
     */
    static List<Path> mkdirs(Path root, Path dir) throws CgroupException {
        List<Path> made = new ArrayList<>();
        for (int attempt = 0; ; attempt++) {
            try {
                for (Path p : chain(root, dir)) {
                    if (Files.isDirectory(p)) {
                        continue;
                    }
                    try {
                        Files.createDirectory(p);
                        made.add(p);
                    } catch (FileAlreadyExistsException e) {
                        // made by another container just now
                    }
                }
                return made;
            } catch (NoSuchFileException e) {
                if (attempt == 5) {
                    throw new CgroupException("create cgroup " + dir + ": " + CgroupException.reason(e), e);
                }
            } catch (IOException e) {
                throw new CgroupException("create cgroup " + dir + ": " + CgroupException.reason(e), e);
            }
        }
    }

    /** The directories from just below {@code root} down to {@code dir}, top-down. */
    static List<Path> chain(Path root, Path dir) {
        List<Path> out = new ArrayList<>();
        for (Path p = dir; p != null && !p.equals(root) && p.startsWith(root); p = p.getParent()) {
            out.addFirst(p);
        }
        return out;
    }

    /**
     * Removes a cgroup directory; a cgroup whose last processes are still exiting answers
     * {@code EBUSY} for a moment, so that is retried for up to {@code waitMillis}. A directory
     * that is already gone is fine.
     */
    static void rmdir(Path dir, long waitMillis) throws CgroupException {
        long deadline = System.nanoTime() + waitMillis * 1_000_000;
        long sleep = 1;
        while (true) {
            try {
                Files.delete(dir);
                return;
            } catch (NoSuchFileException e) {
                return;
            } catch (IOException e) {
                if (!CgroupException.is(e, CgroupException.EBUSY) || System.nanoTime() > deadline) {
                    throw new CgroupException("remove cgroup " + dir + ": " + rmdirReason(e), e);
                }
            }
            sleepMillis(sleep);
            sleep = Math.min(sleep * 2, 50);
        }
    }

    /**
     * Removes a directory only if nothing uses it: no child cgroups, no processes. True if it
     * is gone (or was already); false if it is in use.
     */
    static boolean rmdirIfUnused(Path dir) throws CgroupException {
        try {
            Files.delete(dir);
            return true;
        } catch (NoSuchFileException e) {
            return true;
        } catch (DirectoryNotEmptyException e) {
            return false;
        } catch (IOException e) {
            if (CgroupException.is(e, CgroupException.EBUSY)) {
                return false;
            }
            throw new CgroupException("remove cgroup " + dir + ": " + rmdirReason(e), e);
        }
    }

    /**
     * The directory of the cgroup at {@code path} (absolute, as in {@code /berth/abc}) in the
     * hierarchy mounted at {@code mountPoint}. A path that would climb out of the hierarchy
     * ({@code /../etc}) is refused.
     */
    static Path dirIn(Path mountPoint, String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("cgroup path " + path + " is not absolute");
        }
        Path rel = Path.of(path.substring(1)).normalize();
        if (rel.startsWith("..")) {
            throw new IllegalArgumentException("cgroup path " + path + " leaves the cgroup hierarchy");
        }
        return mountPoint.resolve(rel);
    }

    /**
     * Removes a cgroup and any child cgroups its processes made (with a cgroup namespace a
     * container may make its own), deepest first. Control files go with their directory.
     */
    static void removeTree(Path dir) throws CgroupException {
        List<Path> dirs;
        try (var s = Files.walk(dir)) {
            dirs = s.filter(Files::isDirectory)
                    .sorted(java.util.Comparator.comparingInt(Path::getNameCount).reversed()).toList();
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException | java.io.UncheckedIOException e) {
            // a child vanished while we walked: whatever is left, rmdir reports
            dirs = List.of(dir);
        }
        for (Path p : dirs) {
            rmdir(p, 2000);
        }
    }

    /** Removes what {@link #mkdirs} made, bottom-up, ignoring failures: the cleanup of a failed create. */
    static void removeQuietly(List<Path> made) {
        for (Path p : made.reversed()) {
            try {
                rmdir(p, 500);
            } catch (CgroupException e) {
                // best effort: the caller reports the error that made it clean up
            }
        }
    }

    private static String rmdirReason(IOException e) {
        return e instanceof DirectoryNotEmptyException ? "directory not empty" : CgroupException.reason(e);
    }

    static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
