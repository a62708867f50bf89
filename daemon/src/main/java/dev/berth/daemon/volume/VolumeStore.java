package dev.berth.daemon.volume;

import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.Json;
import dev.berth.image.content.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The volumes of the {@code local} driver on disk, laid out as dockerd lays them out:
 *
 * <pre>
 * &lt;data-root&gt;/volumes/          0701: others may reach a volume's data, not list the volumes
 *   &lt;name&gt;/
 *     volume.json           the {@link Volume} record, written whole (temp file, fsync, rename)
 *     _data/                the data, bind-mounted into containers
 * </pre>
 *
 * A volume exists once its record does: create makes the directories first and writes the
 * record last; remove deletes the record first and the directories after. A directory without a
 * record is what a crash in between leaves, and opening the store deletes it.
 */
final class VolumeStore {
    private static final Logger LOG = Logger.getLogger(VolumeStore.class.getName());
    static final String RECORD = "volume.json";
    static final String DATA = "_data";
    /** moby's {@code RestrictedNamePattern}, which the local driver applies to volume names. */
    private static final Pattern VALID_NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]+$");

    private final Path root;
    private final TreeMap<String, Volume> volumes = new TreeMap<>();

    private VolumeStore(Path root) {
        this.root = root;
    }

    static VolumeStore open(Path root) throws IOException {
        VolumeStore store = new VolumeStore(root);
        if (!Files.isDirectory(root)) {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx-----x"));
        }
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
            for (Path child : children) {
                Optional<Volume> v = read(child.resolve(RECORD));
                if (v.isPresent() && v.get().name().equals(child.getFileName().toString())) {
                    store.volumes.put(v.get().name(), v.get());
                } else {
                    LOG.info("removing " + child + ": a volume that was never completely created or removed");
                    DurableFiles.deleteTree(child);
                }
            }
        }
        return store;
    }

    private static Optional<Volume> read(Path file) {
        try {
            return Optional.of(Json.MAPPER.readValue(Files.readAllBytes(file), Volume.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warning("ignoring " + file + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The local driver's {@code validateName}, with its messages (invalid parameter). */
    static void validateName(String name) {
        if (name.length() == 1) {
            throw ApiException.invalid("create " + name
                    + ": volume name is too short, names should be at least two alphanumeric characters");
        }
        if (!VALID_NAME.matcher(name).matches()) {
            throw ApiException.invalid("create " + name + ": \"" + name + "\" includes invalid characters for a local"
                    + " volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host"
                    + " directory, use absolute path");
        }
    }

    synchronized Optional<Volume> find(String name) {
        return Optional.ofNullable(volumes.get(name));
    }

    synchronized List<Volume> all() {
        return List.copyOf(volumes.values());
    }

    /** Makes {@code v} (whose name was validated and is free): directories, then the record. */
    synchronized void create(Volume v) {
        Path dir = root.resolve(v.name());
        try {
            Files.createDirectories(dir.resolve(DATA));
            DurableFiles.writeAtomically(dir.resolve(RECORD), Json.MAPPER.writeValueAsBytes(v));
        } catch (IOException e) {
            try {
                DurableFiles.deleteTree(dir);
            } catch (IOException ignored) {
                // swept at the next start: no record
            }
            throw new UncheckedIOException("create volume " + v.name(), e);
        }
        volumes.put(v.name(), v);
    }

    /** Deletes the record (the volume is gone from then on), then its data. */
    synchronized void remove(String name) {
        Path dir = root.resolve(name);
        try {
            Files.deleteIfExists(dir.resolve(RECORD));
            DurableFiles.syncDirectory(dir);
            volumes.remove(name);
            DurableFiles.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("remove volume " + name, e);
        }
    }

    Path dataOf(String name) {
        return root.resolve(name).resolve(DATA);
    }
}
