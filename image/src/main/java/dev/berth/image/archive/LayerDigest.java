package dev.berth.image.archive;

import dev.berth.image.layer.Compression;
import dev.berth.image.ImageException;
import dev.berth.oci.image.Digest;
import dev.berth.oci.image.Digester;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What one pass over a layer blob learned: how it is compressed and the digest (the diffID) and
 * size of the tar inside. {@code problem} is set instead when the blob could not be
 * decompressed; it matters only if the blob turns out to be a layer.
 */
record LayerDigest(Compression compression, Digest diffId, long uncompressedSize, String problem) {

    /** The result, or an error naming {@code what} if the blob was not a readable layer. */
    LayerDigest require(String what) throws ImageException {
        if (problem != null) {
            throw ImageException.invalid(what + ": " + problem);
        }
        return this;
    }

    static LayerDigest of(byte[] blob) {
        try {
            return stream(new ByteArrayInputStream(blob), OutputStream.nullOutputStream());
        } catch (IOException e) {
            // Reading a byte array and writing nowhere cannot fail outside the decompressor,
            // whose failures stream() records as a problem.
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads {@code in} to its end, copying every byte to {@code sink} (the blob's writer), and
     * digests the decompressed bytes on the way: the blob is stored and its diffID known after a
     * single read. I/O failures of {@code in} or {@code sink} are thrown; a decompression
     * failure is recorded and the rest of the bytes still copied.
     */
    static LayerDigest stream(InputStream in, OutputStream sink) throws IOException {
        TeeInputStream tee = new TeeInputStream(in, sink);
        BufferedInputStream buffered = new BufferedInputStream(tee, 64 * 1024);
        buffered.mark(Compression.MAGIC_LENGTH);
        byte[] head = buffered.readNBytes(Compression.MAGIC_LENGTH);
        buffered.reset();
        Compression compression = Compression.detect(head);
        Digester diff = Digester.sha256();
        String problem = null;
        try {
            InputStream plain = compression.decompress(buffered);
            plain.transferTo(diff.asOutputStream());
        } catch (ImageException e) {
            problem = e.getMessage();
        } catch (IOException e) {
            if (tee.sinkFailed()) {
                throw e;
            }
            problem = "cannot decompress " + compression.name().toLowerCase(java.util.Locale.ROOT)
                    + " data: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        // The decompressor may stop before the end (trailing padding, or an error): the blob is
        // all of the bytes, so read the rest through the tee.
        buffered.transferTo(OutputStream.nullOutputStream());
        tee.drain();
        return new LayerDigest(compression, diff.digest(), diff.count(), problem);
    }
}
