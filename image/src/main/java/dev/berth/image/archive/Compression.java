package dev.berth.image.archive;

import com.github.luben.zstd.ZstdInputStream;
import dev.berth.image.ImageException;
import dev.berth.oci.image.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * How a layer or tarball is compressed, told by its first bytes as Docker's
 * {@code archive.DetectCompression} tells it, never by a file name or media type (archives
 * written by other tools label layers loosely). {@link #XZ} is recognised only to be refused
 * clearly: Berth carries no xz decoder.
 */
public enum Compression {
    NONE(new byte[0]),
    GZIP(new byte[] {0x1f, (byte) 0x8b, 0x08}),
    ZSTD(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd}),
    BZIP2(new byte[] {0x42, 0x5a, 0x68}),
    XZ(new byte[] {(byte) 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00});

    /** How many leading bytes {@link #detect} needs. */
    public static final int MAGIC_LENGTH = 6;

    private final byte[] magic;

    Compression(byte[] magic) {
        this.magic = magic;
    }

    /** The compression whose magic number starts {@code head}; {@link #NONE} if none does. */
    public static Compression detect(byte[] head) {
        for (Compression candidate : values()) {
            if (candidate != NONE && startsWith(head, candidate.magic)) {
                return candidate;
            }
        }
        return NONE;
    }

    private static boolean startsWith(byte[] head, byte[] prefix) {
        if (head.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (head[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** The decompressed view of {@code in}; closing it closes {@code in}. */
    public InputStream decompress(InputStream in) throws IOException, ImageException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, 64 * 1024);
            case ZSTD -> new ZstdInputStream(in);
            case BZIP2 -> new BZip2CompressorInputStream(in, true);
            case XZ -> throw ImageException.invalid("xz-compressed archives are not supported");
        };
    }

    /** The OCI media type of a layer blob compressed this way. */
    public String ociLayerMediaType() throws ImageException {
        return switch (this) {
            case NONE -> MediaTypes.OCI_LAYER;
            case GZIP -> MediaTypes.OCI_LAYER_GZIP;
            case ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
            case BZIP2, XZ -> throw ImageException.invalid(
                    "layers compressed with " + name().toLowerCase(java.util.Locale.ROOT) + " are not supported");
        };
    }
}
