package dev.berth.daemon.container;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.FifoReader;
import dev.berth.linux.FileNodes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Moves one of a container's output fifos into its {@link ContainerOutput}, driven by the
 * {@link ContainerWatch}: when the fifo turns readable the watch takes it out of its set and a
 * virtual thread reads it empty, delivering each chunk, then puts it back. A delivery that waits
 * on a slow attached client so keeps the fifo out of the set, the pipe fills up and the
 * container's writes block, as they would on a pipe to that client; other containers' fifos
 * are not held up.
 *
 * <p>The fifo is opened read-write (see {@link FifoReader}): holding a write end of our own, the
 * pipe never reports end-of-file on its own, so the end is decided here ({@link #drainAndStop})
 * once the container is known to have exited and the pipe is empty.
 */
final class FifoPump {
    private static final System.Logger LOG = System.getLogger(FifoPump.class.getName());
    private static final int CHUNK = 32 << 10;
    /** After the end, what may still be read: a pipe holds 64 KiB, but a process the container left may still write. */
    private static final int LAST_CHUNKS = 64;

    private final FifoReader reader;
    private final int stream;
    private final ContainerOutput output;
    private final ContainerWatch watch;
    private final ReentrantLock delivering = new ReentrantLock();
    private long token;
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile boolean stopping;
    private boolean stopped;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private FifoPump(FifoReader reader, int stream, ContainerOutput output, ContainerWatch watch) {
        this.reader = reader;
        this.stream = stream;
        this.output = output;
        this.watch = watch;
    }

    /** Makes {@code fifo} (if missing), opens it and has {@code watch} pump it into {@code output}. */
    static FifoPump start(ContainerWatch watch, Path fifo, int stream, ContainerOutput output) throws IOException {
        if (!Files.exists(fifo)) {
            FileNodes.mkfifo(fifo, 0600);
        }
        FifoReader reader = FifoReader.open(fifo);
        FifoPump pump = new FifoPump(reader, stream, output, watch);
        // A fifo that holds data already (an adopted container's) is delivered at once: the
        // delivery, which rearms with the token, waits for it under the lock.
        pump.delivering.lock();
        try {
            pump.token = watch.watch(reader.descriptor(), true, pump::readable);
        } catch (ErrnoException e) {
            reader.close();
            throw e;
        } finally {
            pump.delivering.unlock();
        }
        return pump;
    }

    /** On the watch's thread: the fifo is out of the set until {@link #deliver} has drained it. */
    private void readable() {
        Thread.ofVirtual().name("output-" + reader.fifo().getParent().getFileName() + "-" + stream).start(this::deliver);
    }

    private void deliver() {
        delivering.lock();
        try {
            if (stopped) {
                return;
            }
            drain(Integer.MAX_VALUE);
            if (stopping) {
                finish(); // the container ended meanwhile: this delivery ends the stream
                return;
            }
            watch.rearm(reader.descriptor(), token);
        } catch (ErrnoException e) {
            if (!stopping) { // after drainAndStop took the fifo out of the set, rearming it fails
                LOG.log(System.Logger.Level.WARNING, "watch " + reader + ": " + e.getMessage());
            }
        } finally {
            delivering.unlock();
        }
    }

    /** Reads until the pipe is empty (or {@code chunks} reads, or a stop), delivering each chunk. */
    private void drain(int chunks) {
        byte[] buffer = new byte[CHUNK];
        try {
            for (int i = 0; i < chunks; i++) {
                int n = reader.read(buffer);
                if (n == 0) {
                    return;
                }
                output.deliver(stream, buffer, n);
                if (stopping && chunks == Integer.MAX_VALUE) {
                    return; // the end's drain takes over, with its bound
                }
            }
        } catch (ErrnoException e) {
            LOG.log(System.Logger.Level.WARNING, "reading " + reader + ": " + e.getMessage());
        }
    }

    /**
     * After the container exited: has what the pipe still holds read and the stream ended, and
     * waits for that. A delivery stuck on a client that does not read is not waited for beyond
     * a few seconds: the stream ends once that client lets go, and the container's end goes on.
     */
    void drainAndStop() {
        if (stopRequested.getAndSet(true)) {
            return; // asked already (a start that failed, then its cleanup)
        }
        stopping = true;
        watch.unwatch(reader.descriptor(), token);
        // On a thread of its own: the last chunks' delivery may wait on the same slow client.
        Thread.ofVirtual().name("output-end-" + stream).start(() -> {
            delivering.lock();
            try {
                finish();
            } finally {
                delivering.unlock();
            }
        });
        try {
            ended.get(5, TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // left to end when its client lets go
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Under {@link #delivering}: the last read, then the end of the stream. */
    private void finish() {
        if (stopped) {
            return;
        }
        stopped = true;
        drain(LAST_CHUNKS);
        reader.close();
        output.endStream(stream);
        ended.complete(null);
    }

    Path fifo() {
        return reader.fifo();
    }
}
