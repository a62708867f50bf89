package dev.berth.daemon.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads what a stopped or running berthd keeps under its data root, for tests that must prove
 * a failed operation left nothing behind: the snapshot metadata ({@code image/snapshots/metadata.json},
 * keyed by chain ID), the ingest directories ({@code image/content/ingest/<random>/ref} names the
 * digest being written) and the verified blobs ({@code image/content/blobs/sha256/<hex>}).
 */
public final class DataRoot {
    private static final ObjectMapper JSON = new ObjectMapper();

    private DataRoot() {}

    /** The snapshots by chain ID, each with its {@code kind} and {@code parent}; empty if none yet. */
    public static JsonNode snapshots(Path dataRoot) throws IOException {
        Path metadata = dataRoot.resolve("image/snapshots/metadata.json");
        return Files.exists(metadata) ? JSON.readTree(metadata.toFile()).path("snapshots") : JSON.createObjectNode();
    }

    /** The ingest directories whose data is (or was to become) {@code digest}, or has no ref. */
    public static List<Path> ingestsOf(Path dataRoot, String digest) throws IOException {
        return ingests(dataRoot).stream().filter(dir -> {
            try {
                Path ref = dir.resolve("ref");
                return !Files.exists(ref) || Files.readString(ref).startsWith(digest + " ");
            } catch (IOException e) {
                return true;
            }
        }).toList();
    }

    /** Every ingest directory. */
    public static List<Path> ingests(Path dataRoot) throws IOException {
        Path root = dataRoot.resolve("image/content/ingest");
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(root)) {
            return s.toList();
        }
    }

    /** Where the verified blob {@code digest} lives (whether or not it exists). */
    public static Path blob(Path dataRoot, String digest) {
        return dataRoot.resolve("image/content/blobs/sha256").resolve(digest.substring("sha256:".length()));
    }
}
