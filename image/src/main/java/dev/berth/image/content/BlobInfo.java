package dev.berth.image.content;

import dev.berth.oci.image.Digest;
import java.time.Instant;

/** A committed blob: its digest, its size in bytes and when it was committed. */
public record BlobInfo(Digest digest, long size, Instant committedAt) {}
