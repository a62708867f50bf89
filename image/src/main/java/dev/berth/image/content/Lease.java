package dev.berth.image.content;

import dev.berth.oci.image.Digest;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Protects blobs from garbage collection while the image that will reference them is still
 * being assembled (a pull, a load, an import). Without it a collection that runs between
 * "layer committed" and "image registered" would delete the layer. Blobs committed by a writer
 * opened with a lease join it; {@link #protect} adds a blob that is already present. Close the
 * lease after the image is registered (or after giving up). Leases live in memory: after a
 * crash, nothing is being assembled any more.
 */
public final class Lease implements AutoCloseable {
    private final Set<Digest> digests = ConcurrentHashMap.newKeySet();
    private final Leases leases;

    Lease(Leases leases) {
        this.leases = leases;
    }

    /**
     * Protects a blob that is present; returns false (and protects nothing) if it is not, so
     * that the caller writes it instead of trusting a blob that a collection just removed.
     */
    public boolean protect(Digest digest) {
        return leases.protect(this, digest);
    }

    /** The blobs this lease protects. */
    public Set<Digest> digests() {
        return Set.copyOf(digests);
    }

    void add(Digest digest) {
        digests.add(digest);
    }

    void forEach(Consumer<Digest> action) {
        digests.forEach(action);
    }

    @Override
    public void close() {
        leases.release(this);
    }
}
