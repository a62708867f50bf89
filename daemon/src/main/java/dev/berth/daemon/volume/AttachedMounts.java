package dev.berth.daemon.volume;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.berth.daemon.container.MountPoint;
import dev.berth.daemon.http.Json;
import dev.berth.image.content.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A container's mount points once its volumes are named, kept as
 * {@code containers/<id>/mounts.json} (as dockerd keeps {@code MountPoints} in the container's
 * config): the same anonymous volume at every start, what {@code docker inspect} shows as
 * {@code Mounts}, what {@code --volumes-from} copies, and who uses which volume. The file goes
 * with the container's directory when the container is removed.
 */
final class AttachedMounts {
    static final String FILE = "mounts.json";
    private static final TypeReference<List<MountPoint>> LIST = new TypeReference<>() {};

    private AttachedMounts() {}

    static Optional<List<MountPoint>> read(Path containerDir) {
        try {
            return Optional.of(List.copyOf(Json.MAPPER.readValue(Files.readAllBytes(containerDir.resolve(FILE)), LIST)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("read " + containerDir.resolve(FILE), e);
        }
    }

    static void write(Path containerDir, List<MountPoint> points) {
        try {
            Files.createDirectories(containerDir);
            DurableFiles.writeAtomically(containerDir.resolve(FILE), Json.MAPPER.writeValueAsBytes(points));
        } catch (IOException e) {
            throw new UncheckedIOException("write " + containerDir.resolve(FILE), e);
        }
    }

    static void delete(Path containerDir) {
        try {
            Files.deleteIfExists(containerDir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("delete " + containerDir.resolve(FILE), e);
        }
    }
}
