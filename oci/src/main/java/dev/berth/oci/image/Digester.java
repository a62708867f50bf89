package dev.berth.oci.image;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Computes a {@link Digest} over bytes that arrive in pieces: a download, a tar entry, a
 * decompressed layer. Feed it with {@link #update}, or let bytes flow through
 * {@link #wrap(InputStream)} or into {@link #asOutputStream()}; {@link #digest()} may be called
 * at any time and does not end the computation. Not thread-safe: one digester per stream.
 */
public final class Digester {
    private final String algorithm;
    private final MessageDigest hash;
    private long count;

    private Digester(String algorithm, MessageDigest hash) {
        this.algorithm = algorithm;
        this.hash = hash;
    }

    public static Digester sha256() {
        return forAlgorithm(Digest.SHA256);
    }

    /** A digester for {@code sha256}, {@code sha384} or {@code sha512}; others cannot be computed here. */
    public static Digester forAlgorithm(String algorithm) {
        String javaName = switch (algorithm) {
            case Digest.SHA256 -> "SHA-256";
            case Digest.SHA384 -> "SHA-384";
            case Digest.SHA512 -> "SHA-512";
            default -> throw new IllegalArgumentException("unsupported digest algorithm: " + algorithm);
        };
        try {
            return new Digester(algorithm, MessageDigest.getInstance(javaName));
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform must provide SHA-256 and SHA-512 (MessageDigest's Javadoc).
            throw new IllegalStateException(javaName + " is missing from this JDK", e);
        }
    }

    public void update(byte[] bytes, int offset, int length) {
        hash.update(bytes, offset, length);
        count += length;
    }

    public void update(ByteBuffer bytes) {
        count += bytes.remaining();
        hash.update(bytes);
    }

    /** How many bytes went in so far. */
    public long count() {
        return count;
    }

    /** The digest of everything fed so far; feeding may continue afterwards. */
    public Digest digest() {
        try {
            MessageDigest copy = (MessageDigest) hash.clone();
            return Digest.fromHash(algorithm, copy.digest());
        } catch (CloneNotSupportedException e) {
            // The JDK's SHA implementations are cloneable.
            throw new IllegalStateException("cannot snapshot " + algorithm + " state", e);
        }
    }

    /** An input stream that digests every byte read through it. */
    public InputStream wrap(InputStream in) {
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    update(new byte[] {(byte) b}, 0, 1);
                }
                return b;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                int n = super.read(buffer, offset, length);
                if (n > 0) {
                    update(buffer, offset, n);
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                // Skipped bytes must still be digested.
                byte[] buffer = new byte[8192];
                long done = 0;
                while (done < n) {
                    int r = read(buffer, 0, (int) Math.min(buffer.length, n - done));
                    if (r < 0) {
                        break;
                    }
                    done += r;
                }
                return done;
            }

            @Override
            public boolean markSupported() {
                return false;
            }
        };
    }

    /** An output stream that only digests (and counts) what is written to it. */
    public OutputStream asOutputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) {
                update(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] buffer, int offset, int length) {
                update(buffer, offset, length);
            }
        };
    }
}
