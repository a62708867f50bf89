package dev.berth.daemon.http;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A response of JSON messages, one per line, each sent as soon as it is written: pull and push
 * progress, build output, {@code /events}. With {@code application/json-seq} (RFC 7464) each
 * message is preceded by the record separator, as dockerd does when a client asks for it.
 */
public final class JsonLines implements Closeable {
    private static final byte RECORD_SEPARATOR = 0x1e;

    private final OutputStream out;
    private final boolean jsonSeq;

    JsonLines(OutputStream out, boolean jsonSeq) {
        this.out = out;
        this.jsonSeq = jsonSeq;
    }

    /** Writes one message and sends it. */
    public void send(Object message) throws IOException {
        byte[] json = Json.MAPPER.writeValueAsBytes(message);
        byte[] line = new byte[json.length + (jsonSeq ? 2 : 1)];
        int at = 0;
        if (jsonSeq) {
            line[at++] = RECORD_SEPARATOR;
        }
        System.arraycopy(json, 0, line, at, json.length);
        line[line.length - 1] = '\n';
        out.write(line);
        out.flush();
    }

    /** Ends the response. */
    @Override
    public void close() throws IOException {
        out.close();
    }
}
