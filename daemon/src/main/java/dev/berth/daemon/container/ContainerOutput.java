package dev.berth.daemon.container;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where a running container's output goes: its {@link JsonFileLog}, a line per entry, and every
 * client attached to it, chunk by chunk as the container wrote them. The output ends once both
 * of its streams ended and the container's exit is recorded ({@link #exitRecorded}), so that a
 * client who sees the end (the CLI's {@code logs -f}, an attached {@code run}) and then asks
 * finds the container exited; attached clients are then told, and a client that attaches later
 * finds it ended at once.
 */
final class ContainerOutput {
    /** An attached client. A write that fails detaches it; the container is not affected. */
    interface Sink {
        void write(int stream, byte[] data, int offset, int length) throws IOException;

        void end();
    }

    static final int STDOUT = 1;
    static final int STDERR = 2;

    private final JsonFileLog log;
    private final List<Sink> sinks = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<JsonFileLog.Entry>> followers = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream[] partial = {null, new ByteArrayOutputStream(), new ByteArrayOutputStream()};
    private final boolean[] open = {false, true, true};
    private boolean exitRecorded;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    ContainerOutput(JsonFileLog log) {
        this.log = log;
    }

    /** Attaches {@code sink}; if the output has ended, the sink is ended at once. */
    void attach(Sink sink) {
        synchronized (this) {
            if (!ended.isDone()) {
                sinks.add(sink);
                return;
            }
        }
        sink.end();
    }

    void detach(Sink sink) {
        sinks.remove(sink);
    }

    /** Bytes the container wrote on {@code stream}. */
    synchronized void deliver(int stream, byte[] data, int length) {
        for (Sink sink : sinks) {
            try {
                sink.write(stream, data, 0, length);
            } catch (IOException e) {
                sinks.remove(sink); // a client that went away; the others go on
                sink.end();
            }
        }
        Instant now = Instant.now();
        ByteArrayOutputStream line = partial[stream];
        int from = 0;
        for (int i = 0; i < length; i++) {
            if (data[i] == '\n') {
                if (line.size() == 0) {
                    record(stream, now, data, from, i + 1 - from);
                } else {
                    line.write(data, from, i + 1 - from);
                    byte[] whole = line.toByteArray();
                    record(stream, now, whole, 0, whole.length);
                    line.reset();
                }
                from = i + 1;
            }
        }
        line.write(data, from, length - from);
    }

    /** {@code stream} ended (the container and its shim closed it). */
    void endStream(int stream) {
        List<Sink> toEnd = List.of();
        synchronized (this) {
            if (!open[stream]) {
                return;
            }
            open[stream] = false;
            ByteArrayOutputStream line = partial[stream];
            if (line.size() > 0) {
                byte[] rest = line.toByteArray();
                record(stream, Instant.now(), rest, 0, rest.length);
                line.reset();
            }
            toEnd = endIfDone();
        }
        toEnd.forEach(Sink::end);
    }

    /** The container's exit is recorded; the output ends once its streams have. */
    void exitRecorded() {
        List<Sink> toEnd;
        synchronized (this) {
            exitRecorded = true;
            toEnd = endIfDone();
        }
        toEnd.forEach(Sink::end);
    }

    /** Under this output's lock: ends it if all is done; the sinks to tell, outside the lock. */
    private List<Sink> endIfDone() {
        if (open[STDOUT] || open[STDERR] || !exitRecorded || ended.isDone()) {
            return List.of();
        }
        List<Sink> toEnd = List.copyOf(sinks);
        sinks.clear();
        log.close();
        followers.forEach(f -> f.accept(null));
        followers.clear();
        ended.complete(null);
        return toEnd;
    }

    /**
     * Has {@code follower} called with each log entry from now on, and with null at the end; false
     * if the output has ended. Whoever holds this output's lock while reading the log file and
     * calling this sees every entry once: the file up to now, then the follower's.
     */
    synchronized boolean follow(java.util.function.Consumer<JsonFileLog.Entry> follower) {
        if (ended.isDone()) {
            return false;
        }
        followers.add(follower);
        return true;
    }

    void unfollow(java.util.function.Consumer<JsonFileLog.Entry> follower) {
        followers.remove(follower);
    }

    private void record(int stream, Instant time, byte[] data, int offset, int length) {
        log.write(stream, time, data, offset, length);
        if (!followers.isEmpty()) {
            JsonFileLog.Entry entry = new JsonFileLog.Entry(stream, time,
                    java.util.Arrays.copyOfRange(data, offset, offset + length));
            followers.forEach(f -> f.accept(entry));
        }
    }

    /** Completes when both streams have ended. */
    CompletableFuture<Void> ended() {
        return ended;
    }
}
