package dev.berth.image.content;

import dev.berth.oci.image.Digest;
import java.time.Instant;

/**
 * A write in progress or left behind by an interrupted one: which blob it is for, how many bytes
 * are already there (where a resumed download continues) and how many are expected
 * ({@code -1}: unknown).
 */
public record IngestStatus(Digest expected, long offset, long expectedSize, Instant startedAt) {}
