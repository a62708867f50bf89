package dev.berth.daemon.container;

import dev.berth.daemon.api.container.ContainerBackend.AttachSink;
import dev.berth.daemon.api.container.ContainerBackend.LogOptions;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * {@code docker logs}: a container's json-file log read back ({@code --tail}, {@code --since},
 * {@code --until}, {@code -t}, one stream or both) and, with {@code -f}, followed while the
 * container runs. The file and the live entries meet without a gap or a repeat: the file is read
 * and the follower registered under the output's lock, which every new entry is recorded under.
 */
final class ContainerLogs {
    private ContainerLogs() {}

    /** dockerd's 501 for a container whose driver keeps nothing. */
    static void checkReadable(ContainerRecord r) {
        if (!LogSettings.of(r.hostConfig().logConfig()).keepsLogs()) {
            throw new ApiException(ErrorKind.NOT_IMPLEMENTED, "configured logging driver does not support reading");
        }
    }

    /**
     * Writes the entries of {@code file} that {@code options} ask for to {@code sink}; then, if
     * {@code running} is there, what the container writes until it ends, the client leaves or an
     * entry is past {@code --until}.
     */
    static void write(Path file, Optional<ContainerRunner.Running> running, LogOptions options, AttachSink sink)
            throws IOException {
        BlockingQueue<Optional<JsonFileLog.Entry>> live = new LinkedBlockingQueue<>();
        Consumer<JsonFileLog.Entry> follower = entry -> live.add(Optional.ofNullable(entry));
        List<JsonFileLog.Entry> entries;
        boolean following = false;
        if (running.isPresent()) {
            synchronized (running.get().output()) {
                entries = JsonFileLog.read(file);
                following = running.get().output().follow(follower);
            }
        } else {
            entries = JsonFileLog.read(file);
        }
        try {
            int from = options.tail() < 0 ? 0 : Math.max(0, entries.size() - options.tail());
            for (JsonFileLog.Entry e : entries.subList(from, entries.size())) {
                writeEntry(e, options, sink);
            }
            if (following) {
                sink.onCancel(() -> live.add(Optional.empty()));
                while (true) {
                    Optional<JsonFileLog.Entry> next = live.take();
                    if (next.isEmpty() || options.until() != null && next.get().time().isAfter(options.until())) {
                        break;
                    }
                    writeEntry(next.get(), options, sink);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            running.ifPresent(rc -> rc.output().unfollow(follower));
        }
        sink.end();
    }

    private static void writeEntry(JsonFileLog.Entry e, LogOptions options, AttachSink sink) throws IOException {
        if (options.wants(e.stream()) && options.inWindow(e.time())) {
            byte[] data = options.timestamps()
                    ? (e.time().toString() + " " + new String(e.data(), StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)
                    : e.data();
            sink.write(e.stream(), data, 0, data.length);
        }
    }
}
