package dev.berth.image.content;

import dev.berth.oci.image.Digest;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One ingest directory, {@code ingest/<random>/}: {@code data} holds the bytes, {@code ref}
 * (present only when the digest is known in advance) records which blob they are for, so that
 * the ingest can be found and resumed after a restart.
 */
record Ingest(Path dir, Digest expected, long expectedSize, Instant startedAt) {
    static final String DATA = "data";
    static final String REF = "ref";

    Path data() {
        return dir.resolve(DATA);
    }

    Path ref() {
        return dir.resolve(REF);
    }
}
