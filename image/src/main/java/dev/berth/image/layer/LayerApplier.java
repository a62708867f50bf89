package dev.berth.image.layer;

import dev.berth.image.ImageException;
import dev.berth.oci.image.Digester;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Applies a layer (an OCI image layer changeset: a tar, plain, gzip or zstd) onto a directory.
 *
 * <p>Everything a layer can hold is restored: regular files, directories, hard links (to
 * entries of the same layer, or with {@link WhiteoutMode#REMOVE} to files already in the tree),
 * symlinks (their text byte for byte), character and block devices, fifos; numeric owners, all
 * twelve mode bits (setuid, setgid, sticky), extended attributes from {@code SCHILY.xattr.*}
 * PAX records, {@code security.capability} included, byte-exact; and modification times, for
 * directories after their contents are in place. Whiteouts become whatever {@link WhiteoutMode}
 * says. Existing paths are replaced, except that a directory entry over an existing directory
 * only updates its attributes (the image spec's "changeset over existing files").
 *
 * <p><b>Containment.</b> A layer never writes outside {@code root}. Entry names and hard link
 * targets with {@code ..} that climbs above the root are refused; absolute names are read
 * relative to the root; symlinks met on the way to an entry, whether this layer or an earlier
 * one made them, are resolved inside the root as a chroot would ({@link PathResolver}); and the
 * last component of a path is never followed. A refused entry fails the whole apply with an
 * {@code INVALID_ARGUMENT} error that names it: {@code layer entry ../../etc/passwd: escapes the
 * layer root}. Xattrs in overlayfs's own namespace ({@code trusted.overlay.*}) are not taken
 * from a tar: only the applier's whiteout conversion writes them.
 *
 * <p>Apply needs root (chown, mknod, trusted xattrs). The caller owns {@code root} for the
 * duration, and on failure discards it (a half-applied layer is never committed).
 */
public final class LayerApplier {
    static final String OPAQUE_XATTR = "trusted.overlay.opaque";

    private final WhiteoutMode whiteouts;

    public LayerApplier(WhiteoutMode whiteouts) {
        this.whiteouts = whiteouts;
    }

    /**
     * Applies {@code layer} onto the directory {@code root} and returns the diffID and size of
     * the uncompressed stream, read to its very end. Does not close {@code layer}.
     */
    public LayerDigest apply(InputStream layer, Path root) throws ImageException {
        Path real;
        try {
            real = root.toRealPath();
        } catch (IOException e) {
            throw ImageException.invalid("apply layer to " + root + ": no such directory");
        }
        if (!Files.isDirectory(real)) {
            throw ImageException.invalid("apply layer to " + root + ": not a directory");
        }
        Digester digester = Digester.sha256();
        ApplyRun run = new ApplyRun(real, whiteouts);
        SourceStream source = new SourceStream(layer);
        try {
            InputStream plain = digester.wrap(Compression.decompressing(source));
            LayerTarInputStream tar = new LayerTarInputStream(plain);
            for (TarArchiveEntry e = next(tar); e != null; e = next(tar)) {
                run.entry(e, tar);
            }
            // the blocks after the end-of-archive marker belong to the diffID too
            plain.transferTo(OutputStream.nullOutputStream());
        } catch (SourceFailure e) {
            throw new ImageException(ImageException.Kind.UNAVAILABLE,
                    "read layer: " + e.getCause().getMessage(), e.getCause());
        } catch (IOException e) {
            throw ImageException.invalid("layer is not a valid tar stream: " + cause(e), e);
        }
        run.finish();
        return new LayerDigest(digester.digest(), digester.count());
    }

    /** Go's words for a stream that ends early, which the gunzip reports with no message at all. */
    private static String cause(IOException e) {
        if (e.getMessage() != null) {
            return e.getMessage();
        }
        return e instanceof EOFException ? "unexpected EOF" : e.getClass().getSimpleName();
    }

    private static TarArchiveEntry next(LayerTarInputStream tar) throws IOException {
        return tar.getNextEntry();
    }

    /** Failures of the caller's stream (a dropped download) as opposed to a corrupt layer. */
    private static final class SourceFailure extends IOException {
        private static final long serialVersionUID = 1L;

        SourceFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /** Tags the caller's read errors, and leaves the caller's stream open. */
    private static final class SourceStream extends FilterInputStream {
        SourceStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw new SourceFailure(e);
            }
        }

        @Override
        public void close() {
            // the caller's stream: the caller closes it
        }
    }
}
