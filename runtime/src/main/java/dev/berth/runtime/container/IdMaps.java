package dev.berth.runtime.container;

import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.RuntimeFailure;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Writes a new user namespace's uid and gid maps (user_namespaces(7)). This is done from the
 * runtime, outside the namespace, while the child waits at sync point 1: each map file may be
 * written once, by a process with CAP_SETUID/CAP_SETGID over the namespace's parent.
 */
final class IdMaps {
    private IdMaps() {}

    static void write(Spec spec, int pid) throws RuntimeFailure {
        var linux = spec.linux();
        if (linux == null || linux.namespaces() == null
                || linux.namespaces().stream().noneMatch(n -> n.type().equals("user")
                        && (n.path() == null || n.path().isEmpty()))) {
            return;
        }
        writeMap(pid, "uid_map", linux.uidMappings());
        writeMap(pid, "gid_map", linux.gidMappings());
    }

    private static void writeMap(int pid, String file, List<Spec.IdMapping> maps) throws RuntimeFailure {
        if (maps == null || maps.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (Spec.IdMapping m : maps) {
            text.append(m.containerID()).append(' ').append(m.hostID()).append(' ').append(m.size()).append('\n');
        }
        Path p = Path.of("/proc", Integer.toString(pid), file);
        try {
            // One write(2): the kernel refuses a map delivered in pieces.
            Files.write(p, text.toString().getBytes(StandardCharsets.US_ASCII), StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new RuntimeFailure("write " + file + " of process " + pid + ": " + e.getMessage(), e);
        }
    }
}
