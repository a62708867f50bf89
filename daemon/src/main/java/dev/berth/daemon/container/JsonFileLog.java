package dev.berth.daemon.container;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Docker's {@code json-file} log driver: one JSON object per line in
 * {@code containers/<id>/<id>-json.log}, {@code {"log":"hi\n","stream":"stdout","time":"…"}},
 * so that tools that read Docker's log files read Berth's. A line is one entry; output without a
 * newline (a prompt, the end of a stream) is an entry of its own, as dockerd writes it.
 */
public final class JsonFileLog implements AutoCloseable {
    private static final JsonFactory JSON = new JsonFactory();

    /** One entry as read back: which stream, when, and the bytes. */
    public record Entry(int stream, Instant time, byte[] data) {}

    private final Path file;
    private final FileChannel channel;

    private JsonFileLog(Path file, FileChannel channel) {
        this.file = file;
        this.channel = channel;
    }

    /** Opens {@code file} for appending, creating it. */
    public static JsonFileLog open(Path file) throws IOException {
        return new JsonFileLog(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND));
    }

    public Path file() {
        return file;
    }

    /** Appends one entry of {@code stream} (1 stdout, 2 stderr). */
    public synchronized void write(int stream, Instant time, byte[] data, int offset, int length) {
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
            ByteBuffer buffer = ByteBuffer.wrap(line.toByteArray());
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("write " + file, e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // appended entries are in the file already
        }
    }

    /** Every entry of {@code file}, oldest first; a torn last line (a crash mid-write) is skipped. */
    public static List<Entry> read(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return out;
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
        return out;
    }
}
