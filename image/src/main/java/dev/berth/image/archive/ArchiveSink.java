package dev.berth.image.archive;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where a save writes its files: a tar stream ({@link TarSink}) or a directory
 * ({@link DirectorySink}, an OCI layout as {@code skopeo … oci:<dir>} reads it). Names are
 * relative, use {@code /}, and are made by the saver, never taken from input.
 */
interface ArchiveSink {
    void directory(String name) throws IOException;

    void file(String name, long size, InputStream data) throws IOException;

    /** Ends the archive (the tar end-of-archive blocks); does not close the caller's stream. */
    void finish() throws IOException;
}
