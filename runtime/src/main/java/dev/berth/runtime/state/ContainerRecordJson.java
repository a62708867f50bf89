package dev.berth.runtime.state;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code state.json} as bytes and back, on Jackson's streaming API. Every runtime command reads
 * or writes this file, and in a fresh JVM jackson-databind's bootstrap costs more than the rest
 * of {@code run} together; the record is small and flat, so it is written out field by field.
 * Reading ignores unknown fields, so a newer runtime's state stays readable by an older one.
 */
final class ContainerRecordJson {
    private static final JsonFactory JSON = new JsonFactory();

    private ContainerRecordJson() {}

    static byte[] write(ContainerRecord r) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            string(g, "id", r.id());
            string(g, "bundle", r.bundle());
            string(g, "rootfs", r.rootfs());
            g.writeNumberField("pid", r.pid());
            g.writeNumberField("pidStartTime", r.pidStartTime());
            string(g, "created", r.created());
            string(g, "owner", r.owner());
            string(g, "cgroupPath", r.cgroupPath());
            g.writeBooleanField("monitored", r.monitored());
            if (r.annotations() != null) {
                g.writeObjectFieldStart("annotations");
                for (Map.Entry<String, String> e : r.annotations().entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("write state.json in memory", e);
        }
        return out.toByteArray();
    }

    private static void string(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    /** Reads a record; a document that is not one is an IOException naming what is wrong. */
    static ContainerRecord read(byte[] json) throws IOException {
        String id = null;
        String bundle = null;
        String rootfs = null;
        int pid = 0;
        long pidStartTime = 0;
        String created = null;
        String owner = null;
        String cgroupPath = null;
        boolean monitored = false;
        Map<String, String> annotations = null;
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, "the document");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (name) {
                    case "id" -> id = text(p, t, name);
                    case "bundle" -> bundle = text(p, t, name);
                    case "rootfs" -> rootfs = text(p, t, name);
                    case "pid" -> pid = (int) number(p, t, name);
                    case "pidStartTime" -> pidStartTime = number(p, t, name);
                    case "created" -> created = text(p, t, name);
                    case "owner" -> owner = text(p, t, name);
                    case "cgroupPath" -> cgroupPath = text(p, t, name);
                    case "monitored" -> {
                        if (!t.isBoolean()) {
                            throw new IOException("state.json: monitored: expected a boolean");
                        }
                        monitored = p.getBooleanValue();
                    }
                    case "annotations" -> {
                        expect(t, JsonToken.START_OBJECT, name);
                        annotations = new LinkedHashMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String key = p.currentName();
                            annotations.put(key, text(p, p.nextToken(), "annotations." + key));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            expect(p.currentToken(), JsonToken.END_OBJECT, "the document");
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new IOException("state.json: " + e.getOriginalMessage(), e);
        }
        return new ContainerRecord(id, bundle, rootfs, pid, pidStartTime, created, owner, cgroupPath,
                monitored, annotations);
    }

    private static void expect(JsonToken got, JsonToken want, String what) throws IOException {
        if (got != want) {
            throw new IOException("state.json: " + what + ": expected " + want.asString() + ", got " + got);
        }
    }

    private static String text(JsonParser p, JsonToken t, String name) throws IOException {
        if (t != JsonToken.VALUE_STRING) {
            throw new IOException("state.json: " + name + ": expected a string, got " + t);
        }
        return p.getText();
    }

    private static long number(JsonParser p, JsonToken t, String name) throws IOException {
        if (t != JsonToken.VALUE_NUMBER_INT) {
            throw new IOException("state.json: " + name + ": expected an integer, got " + t);
        }
        return p.getLongValue();
    }
}
