package dev.berth.daemon.container;

import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.Json;
import dev.berth.image.content.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The containers berthd knows, one directory each under {@code <data-root>/containers/<id>/},
 * with the record in {@code container.json} (written whole: temp file, fsync, rename), and the
 * name index that makes names unique. Lookups take what Docker takes: a full id, a name (with or
 * without its slash), or an unambiguous prefix of an id.
 *
 * <p>A directory without a readable record is what a crash between making the directory and
 * writing the record leaves; opening the store deletes it, since no client was ever told of it.
 */
public final class ContainerStore {
    private static final Logger LOG = Logger.getLogger(ContainerStore.class.getName());
    static final String RECORD = "container.json";
    /** moby's {@code RestrictedNamePattern}. */
    private static final Pattern VALID_NAME = Pattern.compile("^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$");

    private final Path dir;
    private final Map<String, ContainerRecord> byId = new LinkedHashMap<>();
    private final Map<String, String> idByName = new HashMap<>();

    private ContainerStore(Path dir) {
        this.dir = dir;
    }

    /** Opens (creating if needed) {@code <dataRoot>/containers}. */
    public static ContainerStore open(Path dataRoot) throws IOException {
        ContainerStore store = new ContainerStore(dataRoot.resolve("containers"));
        Files.createDirectories(store.dir);
        try (DirectoryStream<Path> children = Files.newDirectoryStream(store.dir)) {
            for (Path child : children) {
                if (child.getFileName().toString().startsWith(DurableFiles.TEMP_PREFIX)) {
                    Files.deleteIfExists(child);
                    continue;
                }
                Optional<ContainerRecord> record = read(child.resolve(RECORD));
                if (record.isEmpty()) {
                    LOG.info("removing " + child + ": a container that was never completely created");
                    DurableFiles.deleteTree(child);
                    continue;
                }
                ContainerRecord r = record.get();
                store.byId.put(r.id(), r);
                store.idByName.put(r.name(), r.id());
            }
        }
        return store;
    }

    private static Optional<ContainerRecord> read(Path file) {
        try {
            return Optional.of(Json.MAPPER.readValue(Files.readAllBytes(file), ContainerRecord.class));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warning("ignoring " + file + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** The directory of container {@code id}: its record, and the files it gets (hostname, hosts, logs). */
    public Path dirOf(String id) {
        return dir.resolve(id);
    }

    /** The json-file log of container {@code id} (rotated files add {@code .1}, {@code .2}, ...). */
    public Path logFile(String id) {
        return dirOf(id).resolve(id + "-json.log");
    }

    /**
     * Checks {@code name} (with or without its slash) as dockerd does and reserves it for
     * {@code id}; returns it with the slash. 400 for a malformed name, 409 for one in use.
     */
    public synchronized String reserve(String name, String id) {
        if (!VALID_NAME.matcher(name).matches()) {
            throw ApiException.invalid("Invalid container name (" + name + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        String slashed = name.startsWith("/") ? name : "/" + name;
        String holder = idByName.get(slashed);
        if (holder != null) {
            throw ApiException.conflict("Conflict. The container name \"" + slashed + "\" is already in use by container \""
                    + holder + "\". You have to remove (or rename) that container to be able to reuse that name.");
        }
        idByName.put(slashed, id);
        return slashed;
    }

    /** Gives back a name reserved for a container that was not created after all. */
    public synchronized void release(String name, String id) {
        idByName.remove(name, id);
    }

    /** Whether {@code name} (with its slash) is free or held by nobody. */
    public synchronized boolean isFree(String name) {
        return !idByName.containsKey(name);
    }

    /** Writes {@code record} (new or changed) and makes it current. */
    public synchronized void save(ContainerRecord record) {
        try {
            Files.createDirectories(dirOf(record.id()));
            DurableFiles.writeAtomically(dirOf(record.id()).resolve(RECORD), Json.MAPPER.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException("write the record of container " + record.id(), e);
        }
        ContainerRecord old = byId.put(record.id(), record);
        if (old != null && !old.name().equals(record.name())) {
            idByName.remove(old.name(), record.id());
        }
        idByName.put(record.name(), record.id());
    }

    /** Forgets container {@code id} and deletes its directory. */
    public synchronized void remove(String id) throws IOException {
        ContainerRecord old = byId.remove(id);
        if (old != null) {
            idByName.remove(old.name(), id);
        }
        // the record first: a crash midway leaves a directory that the next open sweeps
        Files.deleteIfExists(dirOf(id).resolve(RECORD));
        DurableFiles.deleteTree(dirOf(id));
    }

    /** The container {@code nameOrId} names; 404 {@code No such container: …} if none does. */
    public synchronized ContainerRecord get(String nameOrId) {
        return find(nameOrId).orElseThrow(() -> ApiException.notFound("No such container: " + nameOrId));
    }

    /** Full id first, then name, then a unique id prefix, as moby's {@code GetContainer}. */
    public synchronized Optional<ContainerRecord> find(String nameOrId) {
        if (nameOrId == null || nameOrId.isEmpty()) {
            return Optional.empty();
        }
        ContainerRecord exact = byId.get(nameOrId);
        if (exact != null) {
            return Optional.of(exact);
        }
        String byName = idByName.get(nameOrId.startsWith("/") ? nameOrId : "/" + nameOrId);
        if (byName != null && byId.containsKey(byName)) {
            return Optional.of(byId.get(byName));
        }
        ContainerRecord found = null;
        for (ContainerRecord r : byId.values()) {
            if (r.id().startsWith(nameOrId)) {
                if (found != null) {
                    throw ApiException.invalid("multiple IDs found with provided prefix: " + nameOrId);
                }
                found = r;
            }
        }
        return Optional.ofNullable(found);
    }

    /** Every container, newest first (as {@code docker ps} lists them). */
    public synchronized List<ContainerRecord> all() {
        List<ContainerRecord> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparing((ContainerRecord r) -> Instant.parse(r.created())).reversed());
        return out;
    }
}
