package dev.berth.daemon.container;

import dev.berth.daemon.api.container.ContainerBackend;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Where a health probe's output goes: stdout and stderr into one buffer, as dockerd collects
 * them, cut at {@link Healthcheck#OUTPUT_LIMIT} bytes so that a chatty probe cannot grow the
 * container's state; the rest is read and dropped so the probe never blocks on a full pipe.
 */
final class ProbeOutput implements ContainerBackend.AttachSink {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private volatile String failure;

    @Override
    public synchronized void write(int stream, byte[] data, int offset, int length) {
        int room = Healthcheck.OUTPUT_LIMIT - bytes.size();
        if (room > 0) {
            bytes.write(data, offset, Math.min(room, length));
        }
    }

    @Override
    public void end() {
        // the probe's end is followed through its exit code
    }

    /** The probe could not run: {@code why} is its result's output. */
    void fail(String why) {
        failure = why == null ? "health check failed to run" : why;
    }

    String failure() {
        return failure;
    }

    synchronized String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
