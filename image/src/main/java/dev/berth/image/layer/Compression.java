package dev.berth.image.layer;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import dev.berth.image.ImageException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * How a layer blob is compressed. Layer media types say it too, but Docker and containerd look
 * at the first bytes instead (a {@code docker load} archive or a mislabelled registry blob must
 * still unpack), and so does {@link #detect}.
 */
public enum Compression {
    NONE,
    /** RFC 1952; concatenated members are read as one stream, as gzip(1) does. */
    GZIP,
    /** RFC 8478 frames. */
    ZSTD;

    private static final int PEEK = 6;

    /**
     * The compression of the stream, read from its first bytes. {@code in} must support
     * mark/reset (a {@link BufferedInputStream}); its position is unchanged.
     */
    public static Compression detect(InputStream in) throws IOException, ImageException {
        in.mark(PEEK);
        byte[] head = in.readNBytes(PEEK);
        in.reset();
        if (starts(head, 0x1f, 0x8b)) {
            return GZIP;
        }
        if (starts(head, 0x28, 0xb5, 0x2f, 0xfd)) {
            return ZSTD;
        }
        if (starts(head, 'B', 'Z', 'h')) {
            throw ImageException.invalid("layer is bzip2-compressed: only gzip and zstd layers are supported");
        }
        if (starts(head, 0xfd, '7', 'z', 'X', 'Z', 0x00)) {
            throw ImageException.invalid("layer is xz-compressed: only gzip and zstd layers are supported");
        }
        return NONE;
    }

    /** {@code in} decompressed, whatever of the three it turns out to be. */
    public static InputStream decompressing(InputStream in) throws IOException, ImageException {
        BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
        return detect(buffered).decompress(buffered);
    }

    /** A stream that decompresses {@code in} with this compression. */
    public InputStream decompress(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> GzipCompressorInputStream.builder().setInputStream(in).setDecompressConcatenated(true).get();
            case ZSTD -> new ZstdInputStream(in);
        };
    }

    /** A stream that compresses into {@code out}; closing it finishes the format and closes {@code out}. */
    public OutputStream compress(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            case GZIP -> new GzipCompressorOutputStream(out);
            case ZSTD -> new ZstdOutputStream(out, 3);
        };
    }

    private static boolean starts(byte[] head, int... magic) {
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
