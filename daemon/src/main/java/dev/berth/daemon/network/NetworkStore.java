package dev.berth.daemon.network;

import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.Json;
import dev.berth.image.content.DurableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The networks on disk, one {@link Network} record per file written whole (temp file, fsync,
 * rename), and found as dockerd finds them: by exact name, then exact id, then a unique id
 * prefix. A temp file left by a crash is removed when the store opens.
 */
final class NetworkStore {
    private static final Logger LOG = Logger.getLogger(NetworkStore.class.getName());

    private final Path dir;
    private final Map<String, Network> byId = new LinkedHashMap<>();

    private NetworkStore(Path dir) {
        this.dir = dir;
    }

    static NetworkStore open(Path dir) throws IOException {
        NetworkStore store = new NetworkStore(dir);
        Files.createDirectories(dir);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.startsWith(DurableFiles.TEMP_PREFIX)) {
                    Files.deleteIfExists(f);
                    continue;
                }
                try {
                    Network n = Json.MAPPER.readValue(Files.readAllBytes(f), Network.class);
                    store.byId.put(n.id(), n);
                } catch (IOException e) {
                    LOG.warning("ignoring " + f + ": " + e.getMessage());
                }
            }
        }
        return store;
    }

    synchronized List<Network> all() {
        List<Network> out = new ArrayList<>(byId.values());
        out.sort(Comparator.comparing(Network::created).thenComparing(Network::name));
        return out;
    }

    synchronized Optional<Network> find(String nameOrId) {
        for (Network n : byId.values()) {
            if (n.name().equals(nameOrId)) {
                return Optional.of(n);
            }
        }
        Network exact = byId.get(nameOrId);
        if (exact != null) {
            return Optional.of(exact);
        }
        List<Network> prefixed = byId.values().stream().filter(n -> n.id().startsWith(nameOrId)).toList();
        if (prefixed.size() > 1) {
            throw ApiException.invalid("network " + nameOrId + " is ambiguous (" + prefixed.size() + " matches found based on ID prefix)");
        }
        return prefixed.stream().findFirst();
    }

    /** The network, or 404 {@code network x not found} as dockerd words it. */
    Network get(String nameOrId) {
        return find(nameOrId).orElseThrow(() -> ApiException.notFound("network " + nameOrId + " not found"));
    }

    synchronized Optional<Network> byName(String name) {
        return byId.values().stream().filter(n -> n.name().equals(name)).findFirst();
    }

    synchronized void save(Network n) {
        try {
            DurableFiles.writeAtomically(dir.resolve(n.id() + ".json"), Json.MAPPER.writeValueAsBytes(n));
        } catch (IOException e) {
            throw new UncheckedIOException("save network " + n.name(), e);
        }
        byId.put(n.id(), n);
    }

    synchronized void remove(String id) {
        try {
            Files.deleteIfExists(dir.resolve(id + ".json"));
            DurableFiles.syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("remove network " + id, e);
        }
        byId.remove(id);
    }
}
