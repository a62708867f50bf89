package dev.berth.runtime.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Finds what a container could leave behind on the host: mounts, cgroup directories, processes. */
public final class Leftovers {
    private Leftovers() {}

    /** Lines of /proc/self/mountinfo that mention {@code needle}. */
    public static List<String> mounts(String needle) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().filter(l -> l.contains(needle)).toList();
    }

    /** Cgroup directories under /sys/fs/cgroup whose path contains {@code needle}. */
    public static List<Path> cgroups(String needle) throws IOException {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> hier = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : hier.toList()) {
                try (Stream<Path> s = Files.walk(h, 4)) {
                    s.filter(Files::isDirectory).filter(p -> p.toString().contains(needle)).forEach(out::add);
                } catch (IOException | java.io.UncheckedIOException e) {
                    // a hierarchy we cannot read has nothing of ours
                }
            }
        }
        return out;
    }
}
