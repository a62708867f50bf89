package dev.berth.daemon.container;

import dev.berth.daemon.http.ApiException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The key sequence that detaches a client from a container's (or an exec's) terminal without
 * stopping it: {@code ctrl-p,ctrl-q} unless the client names another ({@code ?detachKeys=},
 * {@code DetachKeys}). Written as Docker writes it: comma-separated keys, each a single
 * character or {@code ctrl-} and one of {@code a-z @ [ \ ] ^ _}. As in dockerd, the sequence
 * only counts on a terminal; the bytes of a partial match are held back and passed on as soon
 * as the match breaks, so that typing ctrl-p alone still reaches the container.
 */
final class DetachKeys {
    static final DetachKeys DEFAULT = new DetachKeys(new byte[] {0x10, 0x11});

    private final byte[] keys;

    private DetachKeys(byte[] keys) {
        this.keys = keys;
    }

    /** {@code spec} as Docker writes it; null or empty for the default. */
    static DetachKeys parse(String spec) {
        if (spec == null || spec.isEmpty()) {
            return DEFAULT;
        }
        String[] parts = spec.split(",", -1);
        byte[] out = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String key = parts[i].trim();
            if (key.length() == 1) {
                out[i] = (byte) key.charAt(0);
            } else if (key.length() == 6 && key.toLowerCase(java.util.Locale.ROOT).startsWith("ctrl-")) {
                char c = Character.toLowerCase(key.charAt(5));
                if (c >= 'a' && c <= 'z') {
                    out[i] = (byte) (c - 'a' + 1);
                } else if ("@[\\]^_".indexOf(c) >= 0) {
                    out[i] = (byte) (c - '@');
                } else {
                    throw invalid(spec);
                }
            } else {
                throw invalid(spec);
            }
        }
        return new DetachKeys(out);
    }

    private static ApiException invalid(String spec) {
        return ApiException.invalid("Invalid detach keys (" + spec + ") provided");
    }

    byte[] keys() {
        return keys.clone();
    }

    /** {@code in} up to the detach sequence: it then ends, and {@link Filter#detached()} says why. */
    Filter filter(InputStream in) {
        return new Filter(in, keys);
    }

    /** A client's input with the detach sequence taken out. */
    static final class Filter extends InputStream {
        private final InputStream in;
        private final byte[] keys;
        private final ByteArrayOutputStream ready = new ByteArrayOutputStream();
        private byte[] pending = new byte[0];
        private int pendingAt;
        private int matched;
        private volatile boolean detached;

        private Filter(InputStream in, byte[] keys) {
            this.in = in;
            this.keys = keys;
        }

        /** Whether the input ended because the client typed the detach sequence. */
        boolean detached() {
            return detached;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (pendingAt >= pending.length) {
                if (detached) {
                    return -1;
                }
                byte[] chunk = new byte[Math.max(len, 1)];
                int n = in.read(chunk, 0, chunk.length);
                if (n < 0) {
                    return -1; // a partial sequence at the end is dropped, as dockerd does
                }
                scan(chunk, n);
            }
            int n = Math.min(len, pending.length - pendingAt);
            System.arraycopy(pending, pendingAt, b, off, n);
            pendingAt += n;
            return n;
        }

        private void scan(byte[] chunk, int n) {
            ready.reset();
            for (int i = 0; i < n && !detached; i++) {
                byte c = chunk[i];
                if (c == keys[matched]) {
                    if (++matched == keys.length) {
                        detached = true;
                    }
                    continue;
                }
                if (matched > 0) {
                    ready.write(keys, 0, matched); // not the sequence after all: what was held goes on
                    matched = 0;
                    if (c == keys[0]) {
                        matched = keys.length == 1 ? 0 : 1;
                        detached = keys.length == 1;
                        continue;
                    }
                }
                ready.write(c);
            }
            pending = ready.toByteArray();
            pendingAt = 0;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    @Override
    public String toString() {
        return Arrays.toString(keys);
    }
}
