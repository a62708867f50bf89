package dev.berth.image.layer;

import dev.berth.oci.image.Digest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The chain IDs of a stack of layers, by which their snapshots are named (image-spec config.md:
 * {@code ChainID(L0) = DiffID(L0)}, {@code ChainID(Ln) = sha256(ChainID(Ln-1) + " " +
 * DiffID(Ln))}). A chain ID names a layer together with everything below it, so two images that
 * share a base share its snapshots, and a layer unpacked on another base gets a snapshot of its own.
 */
public final class ChainId {
    private ChainId() {}

    /** The chain ID of every layer of {@code diffIds} (base first), in the same order. */
    public static List<Digest> of(List<Digest> diffIds) {
        List<Digest> chain = new ArrayList<>(diffIds.size());
        Digest below = null;
        for (Digest diffId : diffIds) {
            below = below == null ? diffId
                    : Digest.of((below + " " + diffId).getBytes(StandardCharsets.US_ASCII));
            chain.add(below);
        }
        return chain;
    }
}
