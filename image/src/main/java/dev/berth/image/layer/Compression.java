package dev.berth.image.layer;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.berth.image.ImageException;
import dev.berth.oci.image.MediaTypes;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Locale;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * How a layer blob or an archive is compressed. Media types and file names say it too, but
 * Docker ({@code archive.DetectCompression}) and containerd look at the first bytes instead (a
 * {@code docker load} archive or a mislabelled registry blob must still unpack), and so does
 * {@link #detect}. Layers are gzip, zstd or plain; whole archives and import tarballs may also be
 * bzip2. {@link #XZ} is recognised only to be refused clearly: Berth carries no xz decoder.
 */
public enum Compression {
    NONE(),
    /** RFC 1952; concatenated members are read as one stream, as gzip(1) does. */
    GZIP(0x1f, 0x8b, 0x08),
    /** RFC 8478 frames. */
    ZSTD(0x28, 0xb5, 0x2f, 0xfd),
    BZIP2('B', 'Z', 'h'),
    XZ(0xfd, '7', 'z', 'X', 'Z', 0x00);

    /** How many leading bytes {@link #detect(byte[])} needs. */
    public static final int MAGIC_LENGTH = 6;

    private final int[] magic;

    Compression(int... magic) {
        this.magic = magic;
    }

    /** The compression whose magic number starts {@code head}; {@link #NONE} if none does. */
    public static Compression detect(byte[] head) {
        for (Compression candidate : values()) {
            if (candidate != NONE && candidate.startsOf(head)) {
                return candidate;
            }
        }
        return NONE;
    }

    /**
     * The compression of a layer stream, read from its first bytes; bzip2 and xz are refused, as
     * no layer format allows them. {@code in} must support mark/reset (a
     * {@link BufferedInputStream}); its position is unchanged.
     */
    public static Compression detect(InputStream in) throws IOException, ImageException {
        in.mark(MAGIC_LENGTH);
        byte[] head = in.readNBytes(MAGIC_LENGTH);
        in.reset();
        Compression c = detect(head);
        if (c == BZIP2 || c == XZ) {
            throw ImageException.invalid("layer is " + c.lowerName() + "-compressed: only gzip and zstd layers are supported");
        }
        return c;
    }

    /** A layer stream decompressed, whatever of the three it turns out to be. */
    public static InputStream decompressing(InputStream in) throws IOException, ImageException {
        BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
        return detect(buffered).decompress(buffered);
    }

    /** A stream that decompresses {@code in} with this compression; closing it closes {@code in}. */
    public InputStream decompress(InputStream in) throws IOException, ImageException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
            case ZSTD -> new ZstdInputStream(in);
            case BZIP2 -> new BZip2CompressorInputStream(in, true);
            case XZ -> throw ImageException.invalid("xz-compressed archives are not supported");
        };
    }

    /** A stream that compresses into {@code out}; closing it finishes the format and closes {@code out}. */
    public OutputStream compress(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            case GZIP -> new GzipCompressorOutputStream(out);
            case ZSTD -> new ZstdOutputStream(out, 3);
            case BZIP2, XZ -> throw new IllegalArgumentException("Berth writes no " + lowerName() + " layers");
        };
    }

    /** The OCI media type of a layer blob compressed this way. */
    public String ociLayerMediaType() throws ImageException {
        return switch (this) {
            case NONE -> MediaTypes.OCI_LAYER;
            case GZIP -> MediaTypes.OCI_LAYER_GZIP;
            case ZSTD -> MediaTypes.OCI_LAYER_ZSTD;
            case BZIP2, XZ -> throw ImageException.invalid("layers compressed with " + lowerName() + " are not supported");
        };
    }

    private String lowerName() {
        return name().toLowerCase(Locale.ROOT);
    }

    private boolean startsOf(byte[] head) {
        if (head.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((head[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }
}
