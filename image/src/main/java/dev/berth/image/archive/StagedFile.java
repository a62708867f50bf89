package dev.berth.image.archive;

import dev.berth.image.ImageException;
import dev.berth.image.content.ContentWriter;
import dev.berth.oci.image.Digest;

/**
 * A regular file of an archive being loaded, held until the archive's metadata says what it is.
 * Small files stay in memory; large ones (layers) wait in an uncommitted content-store ingest,
 * so that nothing becomes a blob before the whole archive has been checked.
 */
sealed interface StagedFile permits StagedFile.InMemory, StagedFile.Ingested {

    /** The sha256 of the file's bytes. */
    Digest digest();

    long size();

    /** The file read as a layer: compression and diffID. */
    LayerDigest layerDigest();

    /** A file small enough to keep in memory; its layer digest is computed only if asked for. */
    final class InMemory implements StagedFile {
        private final byte[] data;
        private final Digest digest;
        private LayerDigest layerDigest;

        InMemory(byte[] data) {
            this.data = data;
            this.digest = Digest.of(data);
        }

        byte[] data() {
            return data;
        }

        @Override
        public Digest digest() {
            return digest;
        }

        @Override
        public long size() {
            return data.length;
        }

        @Override
        public synchronized LayerDigest layerDigest() {
            if (layerDigest == null) {
                layerDigest = LayerDigest.of(data);
            }
            return layerDigest;
        }
    }

    /** A large file, written to an ingest while its layer digest was computed in the same pass. */
    final class Ingested implements StagedFile {
        private final ContentWriter writer;
        private final Digest digest;
        private final long size;
        private final LayerDigest layerDigest;
        private boolean ended;

        Ingested(ContentWriter writer, LayerDigest layerDigest) {
            this.writer = writer;
            this.digest = writer.digest();
            this.size = writer.offset();
            this.layerDigest = layerDigest;
        }

        @Override
        public Digest digest() {
            return digest;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public LayerDigest layerDigest() {
            return layerDigest;
        }

        /** Commits the ingest as a blob (once). */
        void commit() throws ImageException {
            if (!ended) {
                ended = true;
                writer.commit(digest, size);
            }
        }

        /** Drops the ingest if it was not committed. */
        void discard() {
            if (!ended) {
                ended = true;
                writer.close(); // anonymous ingests are deleted on close
            }
        }
    }
}
