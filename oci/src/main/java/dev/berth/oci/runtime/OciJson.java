package dev.berth.oci.runtime;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The one JSON mapping for the runtime spec's documents: {@code config.json} ({@link Spec}),
 * the container {@link State} and the runtime {@link Features}.
 *
 * <p>Reading follows the spec's rules for runtimes: unknown properties are ignored
 * (config.md, "Extensibility"), but values of a known property must have the JSON type the
 * spec gives them. Jackson's lenient coercions are turned off so that {@code "uid": "1"} or
 * {@code "uid": 1.5} is an error here as it is in runc (Go's {@code encoding/json}), instead of
 * a config that works with Berth and nowhere else. Every reading error becomes one
 * {@link InvalidSpecException} line that names the document and the field:
 * {@code config.json: process.user.uid: expected a number, got "x"}.
 *
 * <p>{@code config.json} and exec's process document are read by {@link SpecReader} on
 * jackson-core's streaming parser, by the same rules and with the same messages, because every
 * {@code berth-runtime} command reads a config and databind's start-up (~200 ms in a cold JVM)
 * would be most of the command's time. The databind mapper is built on first use, so reading a
 * spec never loads it.
 *
 * <p>Writing omits null (absent) fields, so a spec read and written back keeps its shape.
 * The mapper is shared and immutable after construction; all methods are thread-safe.
 */
public final class OciJson {
    private OciJson() {}

    /**
     * Indented the way Go's json.MarshalIndent(v, "", "  ") indents, as runc prints: two spaces,
     * {@code "key": value} without a space before the colon, one array element per line, and
     * empty containers as {@code []} and {@code {}}. Scripts that grep runc's output work here.
     */
    private static final DefaultPrettyPrinter GO_STYLE = goStyle();
    private static final JsonFactory STREAMING = new JsonFactory();

    private static DefaultPrettyPrinter goStyle() {
        var indent = new DefaultIndenter("  ", "\n");
        var separators = Separators.createDefaultInstance()
                .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                .withObjectEmptySeparator("")
                .withArrayEmptySeparator("");
        return new DefaultPrettyPrinter(separators).withObjectIndenter(indent).withArrayIndenter(indent);
    }

    /** Built on first use: a runtime command that only reads its config never pays for it. */
    private static final class Databind {
        static final ObjectMapper MAPPER = newMapper();

        private static ObjectMapper newMapper() {
            JsonMapper mapper = JsonMapper.builder()
                    .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                    .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                    .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
                    .defaultPropertyInclusion(JsonInclude.Value.construct(
                            JsonInclude.Include.NON_NULL, JsonInclude.Include.NON_NULL))
                    .build();
            // A number or boolean where a string belongs ("hostname": 5) is a type error, not "5".
            mapper.coercionConfigFor(LogicalType.Textual)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
            mapper.coercionConfigFor(LogicalType.Boolean)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
            // A null inside a list or map ("args": ["sh", null]) is a mistake, not an entry; Go
            // would turn it into "" or a zero struct, which only hides it further.
            mapper.configOverride(List.class).setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
            mapper.configOverride(Map.class).setSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL));
            // "" is not an empty list or object, and not an absent number.
            for (LogicalType type : new LogicalType[] {
                    LogicalType.Collection, LogicalType.Map, LogicalType.POJO, LogicalType.Integer}) {
                mapper.coercionConfigFor(type).setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
            }
            return mapper;
        }
    }

    /** Reads a bundle's {@code config.json}; errors name the file by its name. */
    public static Spec readSpec(Path configJson) throws IOException, InvalidSpecException {
        return SpecReader.spec(Files.readAllBytes(configJson), configJson.getFileName().toString());
    }

    /** Reads {@code config.json} content; errors name it {@code config.json}. */
    public static Spec readSpec(byte[] json) throws InvalidSpecException {
        return SpecReader.spec(json, "config.json");
    }

    /**
     * Reads a process alone, as {@code runc exec --process} takes it: the shape of
     * {@code config.json}'s {@code process}. {@code source} names the document in errors.
     */
    public static Spec.Process readProcess(byte[] json, String source) throws InvalidSpecException {
        return SpecReader.process(json, source);
    }

    /** Reads a container state as {@code runc state} prints it. */
    public static State readState(byte[] json) throws InvalidSpecException {
        return read(json, State.class, "state.json");
    }

    /** Reads a features document as {@code runc features} prints it. */
    public static Features readFeatures(byte[] json) throws InvalidSpecException {
        return read(json, Features.class, "features.json");
    }

    /**
     * Reads any of this package's types with databind. {@code source} names the document in
     * error messages ({@code "config.json"}). For {@link Spec} this is the reference that
     * {@link #readSpec(byte[])} is tested against; prefer that.
     */
    public static <T> T read(byte[] json, Class<T> type, String source) throws InvalidSpecException {
        try (JsonParser parser = Databind.MAPPER.createParser(json)) {
            try {
                return Databind.MAPPER.readValue(parser, type);
            } catch (JacksonException e) {
                // Translated while the parser is open: the message quotes the token it stopped at.
                throw JsonErrors.translate(source, e);
            }
        } catch (IOException e) {
            // Reading from a byte array does no I/O; anything else is a bug in Jackson or here.
            throw new UncheckedIOException(e);
        }
    }

    /** Writes compact JSON (the form kept on disk and sent over pipes). */
    public static byte[] write(Object value) {
        try {
            return Databind.MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            // Our records always serialise; a failure here is a programming error.
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Writes indented JSON for people ({@code berth-runtime spec}, {@code state}), without a
     * trailing newline, so that {@code println} ends it as runc's output ends.
     */
    public static String writePretty(Object value) {
        try {
            return Databind.MAPPER.writer(GO_STYLE).writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Writes a container state as compact JSON, field by field: every create hands the state to
     * the hooks, and databind's start-up would cost more than the create itself. The bytes are
     * those {@link #write} gives for the same record.
     */
    public static byte[] writeState(State s) {
        var out = new java.io.ByteArrayOutputStream(256);
        try (JsonGenerator g = STREAMING.createGenerator(out)) {
            g.writeStartObject();
            if (s.ociVersion() != null) {
                g.writeStringField("ociVersion", s.ociVersion());
            }
            if (s.id() != null) {
                g.writeStringField("id", s.id());
            }
            if (s.status() != null) {
                g.writeStringField("status", s.status().json());
            }
            g.writeNumberField("pid", s.pid());
            if (s.bundle() != null) {
                g.writeStringField("bundle", s.bundle());
            }
            if (s.annotations() != null) {
                g.writeObjectFieldStart("annotations");
                for (Map.Entry<String, String> e : s.annotations().entrySet()) {
                    g.writeStringField(e.getKey(), e.getValue());
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("write a state in memory", e);
        }
        return out.toByteArray();
    }

    /**
     * A generator that indents as {@link #writePretty} does, for documents written field by
     * field on the command line's fast paths; the caller closes it.
     */
    public static JsonGenerator prettyGenerator(java.io.Writer out) throws IOException {
        return STREAMING.createGenerator(out).setPrettyPrinter(GO_STYLE.createInstance());
    }

    /**
     * A copy of the configured mapper, for callers that embed these types in their own
     * documents (the daemon's container records). It is a copy so that no caller can change how
     * everyone else reads {@code config.json}; make it once and keep it.
     */
    public static ObjectMapper mapper() {
        return Databind.MAPPER.copy();
    }
}
