package dev.berth.daemon.container;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Logger;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Docker's {@code json-file} log driver: one JSON object per line in
 * {@code containers/<id>/<id>-json.log}, {@code {"log":"hi\n","stream":"stdout","time":"…"}},
 * so that tools that read Docker's log files read Berth's. A line is one entry; output without a
 * newline (a prompt, the end of a stream) is an entry of its own, as dockerd writes it.
 *
 * <p>With a {@code max-size}, an entry that would take the file past it first rotates the file:
 * {@code <id>-json.log} becomes {@code <id>-json.log.1}, {@code .1} becomes {@code .2}, and so on
 * up to {@code max-file - 1} rotated files, the oldest dropped; with {@code max-file} 1 the file
 * starts again empty. With {@code compress}, a file is gzipped as it is rotated
 * ({@code <id>-json.log.1.gz}, shifted up as {@code .2.gz} …) and the current one stays plain, as
 * dockerd keeps them. {@link #read} reads the rotated files, oldest first, before the current one.
 *
 * <p>As in dockerd, the gzip is made in the background, so a container that logs fast does not
 * wait for it; the next rotation (and {@link #close}) waits for the one before. The gzip is
 * written beside the plain rotated file and renamed over its name only when complete; the plain
 * file goes after. A reader meanwhile, or after a crash in between, finds a complete copy either
 * way (it takes the gzip when both are there); a failed gzip leaves the plain file, which reads
 * as well.
 */
public final class JsonFileLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JsonFileLog.class.getName());
    private static final JsonFactory JSON = new JsonFactory();
    private static final String GZ = ".gz";
    private static final java.util.concurrent.ExecutorService COMPRESSORS =
            java.util.concurrent.Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("log-gzip-", 0).factory());

    /** One entry as read back: which stream, when, and the bytes. */
    public record Entry(int stream, Instant time, byte[] data) {}

    private final Path file;
    private final long maxSize;
    private final int maxFiles;
    private final boolean compress;
    private FileChannel channel;
    private long size;
    /** The gzip of the last rotation, done or not. */
    private java.util.concurrent.Future<?> compressing = java.util.concurrent.CompletableFuture.completedFuture(null);

    private JsonFileLog(Path file, FileChannel channel, long maxSize, int maxFiles, boolean compress)
            throws IOException {
        this.file = file;
        this.channel = channel;
        this.maxSize = maxSize;
        this.maxFiles = maxFiles;
        this.compress = compress;
        this.size = channel == null ? 0 : channel.size();
    }

    /** Opens {@code file} for appending, creating it, never rotated. */
    public static JsonFileLog open(Path file) throws IOException {
        return open(file, 0, 1);
    }

    /** Opens {@code file} for appending, rotated at {@code maxSize} bytes (0: never) into {@code maxFiles} files in all. */
    public static JsonFileLog open(Path file, long maxSize, int maxFiles) throws IOException {
        return open(file, maxSize, maxFiles, false);
    }

    /** As {@link #open(Path, long, int)}, the rotated files gzipped if {@code compress}. */
    public static JsonFileLog open(Path file, long maxSize, int maxFiles, boolean compress) throws IOException {
        return new JsonFileLog(file, append(file), maxSize, Math.max(1, maxFiles), compress);
    }

    /** The {@code none} driver's: takes every entry and keeps none. */
    public static JsonFileLog discarding(Path file) throws IOException {
        return new JsonFileLog(file, null, 0, 1, false);
    }

    private static FileChannel append(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    public Path file() {
        return file;
    }

    /** Appends one entry of {@code stream} (1 stdout, 2 stderr). */
    public synchronized void write(int stream, Instant time, byte[] data, int offset, int length) {
        if (channel == null) {
            return;
        }
        ByteArrayOutputStream line = new ByteArrayOutputStream(length + 96);
        try (JsonGenerator g = JSON.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField("log", new String(data, offset, length, StandardCharsets.UTF_8));
            g.writeStringField("stream", stream == 2 ? "stderr" : "stdout");
            g.writeStringField("time", time.toString());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        line.write('\n');
        try {
            if (maxSize > 0 && size > 0 && size + line.size() > maxSize) {
                rotate();
            }
            size += line.size();
            ByteBuffer buffer = ByteBuffer.wrap(line.toByteArray());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("write " + file, e);
        }
    }

    /** Shifts the rotated files up by one, dropping what passes {@code maxFiles}, and starts an empty file. */
    private void rotate() throws IOException {
        channel.close();
        awaitCompression();
        if (maxFiles == 1) {
            Files.newByteChannel(file, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE).close();
        } else {
            Files.deleteIfExists(rotated(file, maxFiles - 1));
            Files.deleteIfExists(gzipped(file, maxFiles - 1));
            for (int i = maxFiles - 2; i >= 1; i--) {
                // each in the form it has: a plain one is what a crash or a failed gzip left
                if (Files.exists(rotated(file, i))) {
                    Files.move(rotated(file, i), rotated(file, i + 1), StandardCopyOption.ATOMIC_MOVE);
                }
                if (Files.exists(gzipped(file, i))) {
                    Files.move(gzipped(file, i), gzipped(file, i + 1), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.move(file, rotated(file, 1), StandardCopyOption.ATOMIC_MOVE);
            if (compress) {
                Path plain = rotated(file, 1);
                Path gz = gzipped(file, 1);
                compressing = COMPRESSORS.submit(() -> gzip(plain, gz));
            }
        }
        channel = append(file);
        size = 0;
    }

    /** Replaces {@code plain} by {@code gz}, its gzip; on failure {@code plain} stays, and reads as well. */
    private static void gzip(Path plain, Path gz) {
        Path partial = gz.resolveSibling(gz.getFileName() + ".tmp");
        try {
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(partial), 64 * 1024)) {
                Files.copy(plain, out);
            }
            Files.move(partial, gz, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(plain);
        } catch (IOException e) {
            LOG.warning("compress " + plain + ": " + e.getMessage() + "; it stays uncompressed");
            try {
                Files.deleteIfExists(partial);
            } catch (IOException ignored) {
                // a partial gzip is never read: only names ending in .gz are
            }
        }
    }

    private static Path rotated(Path file, int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private static Path gzipped(Path file, int n) {
        return file.resolveSibling(file.getFileName() + "." + n + GZ);
    }

    /** The rotated file {@code n} as it is on disk, gzipped or plain, or null if there is none. */
    private static Path existingRotated(Path file, int n) {
        Path gz = gzipped(file, n);
        if (Files.exists(gz)) {
            return gz;
        }
        Path plain = rotated(file, n);
        return Files.exists(plain) ? plain : null;
    }

    /** Waits for the gzip of the last rotation: the files must not shift under it. */
    private void awaitCompression() {
        boolean interrupted = false;
        while (true) {
            try {
                compressing.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the files must still not move under the gzip
            } catch (java.util.concurrent.ExecutionException e) {
                break; // gzip logs its own failures; the plain file stays
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // appended entries are in the file already
        }
        awaitCompression(); // before the container's directory may go
    }

    /**
     * Every entry of {@code file} and of its rotated files, oldest first; a torn line (a crash
     * mid-write) is skipped.
     */
    public static List<Entry> read(Path file) throws IOException {
        int oldest = 0;
        while (existingRotated(file, oldest + 1) != null) {
            oldest++;
        }
        List<Entry> out = new ArrayList<>();
        for (int i = oldest; i >= 1; i--) {
            Path rotated = existingRotated(file, i);
            if (rotated != null) {
                readOne(rotated, out);
            }
        }
        readOne(file, out);
        return out;
    }

    private static void readOne(Path file, List<Entry> out) throws IOException {
        List<String> lines = new ArrayList<>();
        try (InputStream raw = Files.newInputStream(file);
                BufferedReader in = new BufferedReader(new InputStreamReader(
                        file.getFileName().toString().endsWith(GZ) ? new GZIPInputStream(raw) : raw,
                        StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (NoSuchFileException e) {
            return; // rotated away meanwhile, or never written
        } catch (EOFException e) {
            // a gzip cut short (a full disk): the entries before the cut still count
        }
        for (String line : lines) {
            try (JsonParser p = JSON.createParser(line)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    continue;
                }
                String log = null;
                String stream = null;
                String time = null;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    switch (name) {
                        case "log" -> log = p.getText();
                        case "stream" -> stream = p.getText();
                        case "time" -> time = p.getText();
                        default -> p.skipChildren();
                    }
                }
                if (log != null && time != null) {
                    out.add(new Entry("stderr".equals(stream) ? 2 : 1, Instant.parse(time),
                            log.getBytes(StandardCharsets.UTF_8)));
                }
            } catch (IOException | java.time.format.DateTimeParseException e) {
                // a torn line: what a crash mid-append leaves
            }
        }
    }
}
