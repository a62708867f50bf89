package dev.berth.daemon.volume;

import dev.berth.daemon.container.MountPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which containers use which volume, read from every container's {@link AttachedMounts}: the
 * reference count that refuses to remove a volume in use and that {@code dangling} and prune go
 * by. It is read from disk each time rather than counted in memory, so it is right after a
 * daemon restart and cannot drift from the containers that exist.
 */
final class VolumeUsers {
    private final Path containersRoot;

    VolumeUsers(Path containersRoot) {
        this.containersRoot = containersRoot;
    }

    Path containerDir(String containerId) {
        return containersRoot.resolve(containerId);
    }

    /** Every container's directory, in no particular order. */
    List<Path> containerDirs() {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(containersRoot)) {
            dirs.forEach(out::add);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("list " + containersRoot, e);
        }
        return out;
    }

    /** Volume name to the ids of the containers that mount it, in no particular order. */
    Map<String, List<String>> byVolume() {
        Map<String, List<String>> out = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(containersRoot)) {
            for (Path dir : dirs) {
                List<MountPoint> points;
                try {
                    points = AttachedMounts.read(dir).orElse(List.of());
                } catch (UncheckedIOException e) {
                    continue; // a container being removed
                }
                for (MountPoint mp : points) {
                    if (mp.type().equals("volume") && mp.source() != null) {
                        out.computeIfAbsent(mp.source(), k -> new ArrayList<>()).add(dir.getFileName().toString());
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("list " + containersRoot, e);
        }
        return out;
    }

    List<String> of(String volume) {
        return byVolume().getOrDefault(volume, List.of());
    }
}
