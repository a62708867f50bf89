package dev.berth.oci.runtime;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cursor over jackson-core's streaming {@link JsonParser} that reads typed values by the
 * rules of {@link OciJson}'s mapper, for documents read without jackson-databind.
 *
 * <p>Each read starts on the value's first token and leaves the parser on its last one. A value
 * of another JSON type is an error, never coerced; a JSON {@code null} in a field reads as
 * absent ({@code null}), but a {@code null} inside a list or map, or as the document, is an
 * error. The cursor keeps the JSON path of the value being read, so that an error names it as
 * {@link JsonErrors} names databind's: {@code process.user.uid: expected a number, got "x"}.
 * A reader of a record walks its fields with {@link #nextField()} and {@link #field()} and
 * {@link #skip()}s the ones it does not know, as the spec asks of runtimes.
 */
final class JsonCursor {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final BigInteger UNSIGNED_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);
    private static final int MAX_SHOWN = 40;
    // Compiled only for a message: a Pattern constant would cost every clean read its start-up.
    private static final String SOURCE_REF = "\\s*\\(start marker at \\[Source:.*?\\]\\)";

    /** Reads one value, starting on its first token. */
    @FunctionalInterface
    interface Read<T> {
        T read(JsonCursor in) throws IOException, InvalidSpecException;
    }

    /** A map key on the path, printed as {@code ["key"]}. */
    private record Key(String name) {}

    private final JsonParser parser;
    private final String source;
    // Field names (String), list indexes (Integer) and map keys (Key) from the document down to
    // the value being read; null while an object is open between two fields.
    private final List<Object> path = new ArrayList<>();

    private JsonCursor(JsonParser parser, String source) {
        this.parser = parser;
        this.source = source;
    }

    /**
     * Reads {@code json}, a document that is one JSON object, field by field with {@code fields}.
     * {@code source} names the document in error messages ({@code "config.json"}).
     */
    static <T> T read(byte[] json, String source, Read<T> fields) throws InvalidSpecException {
        try (JsonParser parser = FACTORY.createParser(json)) {
            return new JsonCursor(parser, source).readDocument(fields);
        } catch (IOException e) {
            // Reading from a byte array does no I/O; anything else is a bug in Jackson or here.
            throw new UncheckedIOException(e);
        }
    }

    private <T> T readDocument(Read<T> fields) throws IOException, InvalidSpecException {
        try {
            if (parser.nextToken() == null) {
                throw new InvalidSpecException(source, "", "empty document", null);
            }
            T value = object(fields); // a null document is an error: no field makes it absent
            // Go's encoding/json (runc) rejects anything after the value; databind would ignore it.
            if (parser.nextToken() != null) {
                throw new InvalidSpecException(source, "", "malformed JSON" + at(parser.currentTokenLocation())
                        + ": unexpected content after the top-level value", null);
            }
            return value;
        } catch (StreamReadException e) {
            throw malformed(source, e, e);
        } catch (JacksonException e) {
            // A limit of StreamReadConstraints (nesting depth, number length): not a syntax error.
            throw new InvalidSpecException(source, path(), oneLine(e.getOriginalMessage()), e);
        }
    }

    /** An object read field by field by {@code fields}, which must read up to its end. */
    <T> T object(Read<T> fields) throws IOException, InvalidSpecException {
        if (absent()) {
            return null;
        }
        expect(JsonToken.START_OBJECT, "an object");
        path.add(null);
        T value = fields.read(this);
        path.removeLast();
        return value;
    }

    /**
     * Moves to the value of the object's next field, or to the object's end ({@code false}).
     * The field's name is on the path while its value is read.
     */
    boolean nextField() throws IOException {
        if (parser.nextToken() != JsonToken.FIELD_NAME) {
            return false; // END_OBJECT: the parser rejects anything else inside an object
        }
        path.set(path.size() - 1, parser.currentName());
        parser.nextToken();
        return true;
    }

    /** The name of the field whose value the cursor is on. */
    String field() {
        return (String) path.getLast();
    }

    /** Passes over the current value, however deep: an unknown field. */
    void skip() throws IOException {
        parser.skipChildren();
    }

    /** A list of objects, each read field by field by {@code fields}. */
    <T> List<T> objects(Read<T> fields) throws IOException, InvalidSpecException {
        return list(in -> in.object(fields));
    }

    <T> List<T> list(Read<T> element) throws IOException, InvalidSpecException {
        if (absent()) {
            return null;
        }
        expect(JsonToken.START_ARRAY, "an array");
        List<T> values = new ArrayList<>();
        path.add(null);
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            path.set(path.size() - 1, values.size());
            values.add(element.read(this));
        }
        path.removeLast();
        return values;
    }

    // One call site each for the commonest shapes: every site of a method reference spins its
    // own class on first use, which a cold start pays for.

    List<String> strings() throws IOException, InvalidSpecException {
        return list(JsonCursor::string);
    }

    Map<String, String> stringMap() throws IOException, InvalidSpecException {
        return map(JsonCursor::string);
    }

    /** A JSON object read as a map from its field names; a repeated key keeps its last value. */
    <T> Map<String, T> map(Read<T> value) throws IOException, InvalidSpecException {
        if (absent()) {
            return null;
        }
        expect(JsonToken.START_OBJECT, "an object");
        Map<String, T> values = new LinkedHashMap<>();
        path.add(null);
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String key = parser.currentName();
            path.set(path.size() - 1, new Key(key));
            parser.nextToken();
            values.put(key, value.read(this));
        }
        path.removeLast();
        return values;
    }

    String string() throws IOException, InvalidSpecException {
        if (absent()) {
            return null;
        }
        expect(JsonToken.VALUE_STRING, "a string");
        return parser.getText();
    }

    Boolean bool() throws IOException, InvalidSpecException {
        if (absent()) {
            return null;
        }
        return switch (parser.currentToken()) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE -> false;
            default -> throw mismatch("a boolean");
        };
    }

    Integer int32() throws IOException, InvalidSpecException {
        if (absent()) {
            return null;
        }
        expect(JsonToken.VALUE_NUMBER_INT, "a number");
        try {
            return parser.getIntValue();
        } catch (InputCoercionException e) {
            throw problem("expected a 32-bit integer, got " + parser.getText());
        }
    }

    Long int64() throws IOException, InvalidSpecException {
        if (absent()) {
            return null;
        }
        expect(JsonToken.VALUE_NUMBER_INT, "a number");
        try {
            return parser.getLongValue();
        } catch (InputCoercionException e) {
            throw problem("expected a 64-bit integer, got " + parser.getText());
        }
    }

    // For primitive components: an explicit null reads as the default, as databind reads it.

    boolean bool(boolean ifNull) throws IOException, InvalidSpecException {
        Boolean value = bool();
        return value == null ? ifNull : value;
    }

    int int32(int ifNull) throws IOException, InvalidSpecException {
        Integer value = int32();
        return value == null ? ifNull : value;
    }

    long int64(long ifNull) throws IOException, InvalidSpecException {
        Long value = int64();
        return value == null ? ifNull : value;
    }

    /**
     * A {@code uint64} of the spec (0..2^64-1) in a long's bits, as {@link UnsignedLongJson}
     * reads it for databind: {@code RLIM_INFINITY} reads as {@code -1L}, and null as 0.
     */
    long unsigned() throws IOException, InvalidSpecException {
        if (absent()) {
            return 0;
        }
        expect(JsonToken.VALUE_NUMBER_INT, "an unsigned 64-bit number");
        BigInteger value = parser.getBigIntegerValue();
        if (value.signum() < 0 || value.compareTo(UNSIGNED_MAX) > 0) {
            throw problem("expected an unsigned 64-bit number, got " + value
                    + " (range 0..18446744073709551615)");
        }
        return value.longValue(); // two's complement: the low 64 bits, as the kernel reads them
    }

    // An explicit null in a field means the field is absent, as it does for databind; anywhere
    // else (a list element, a map value, the document) it falls through to a type error.
    private boolean absent() {
        return parser.currentToken() == JsonToken.VALUE_NULL && !path.isEmpty() && path.getLast() instanceof String;
    }

    private void expect(JsonToken token, String expected) throws InvalidSpecException {
        if (parser.currentToken() != token) {
            throw mismatch(expected);
        }
    }

    private InvalidSpecException mismatch(String expected) {
        return problem("expected " + expected + ", got " + describe(parser));
    }

    private InvalidSpecException problem(String reason) {
        return new InvalidSpecException(source, path(), reason, null);
    }

    /** {@code process.rlimits[0].type}; map keys are quoted: {@code linux.sysctl["net.core.somaxconn"]}. */
    private String path() {
        StringBuilder out = new StringBuilder();
        for (Object step : path) {
            switch (step) {
                case String field -> out.append(out.isEmpty() ? "" : ".").append(field);
                case Integer index -> out.append('[').append(index).append(']');
                case Key key -> out.append("[\"").append(key.name()).append("\"]");
                case null -> { }
                default -> throw new IllegalStateException("path step " + step);
            }
        }
        return out.toString();
    }

    /** The token the parser stopped at, as a person would name it. */
    static String describe(JsonParser parser) {
        JsonToken token = parser == null ? null : parser.currentToken();
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT, FIELD_NAME, END_OBJECT -> "an object";
            case START_ARRAY, END_ARRAY -> "an array";
            case VALUE_STRING -> shown(text(parser));
            case VALUE_NULL -> "null";
            default -> text(parser);
        };
    }

    private static String text(JsonParser parser) {
        try {
            return parser.getText();
        } catch (IOException e) {
            return "an unreadable value";
        }
    }

    /** A value quoted for a message: strings in JSON quotes, escaped, cut after 40 characters. */
    static String shown(Object value) {
        if (!(value instanceof String s)) {
            return String.valueOf(value);
        }
        String cut = s.length() > MAX_SHOWN ? s.substring(0, MAX_SHOWN) + "..." : s;
        return '"' + cut.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + '"';
    }

    /** A syntax error, reported by position: {@code malformed JSON at line 3 column 12: ...}. */
    static InvalidSpecException malformed(String source, StreamReadException read, Throwable cause) {
        // Jackson appends "(start marker at [Source: ...; line: 1, column: 33])": noise here.
        String message = oneLine(read.getOriginalMessage()).replaceAll(SOURCE_REF, "");
        return new InvalidSpecException(source, "", "malformed JSON" + at(read.getLocation()) + ": " + message, cause);
    }

    private static String at(JsonLocation location) {
        return location == null ? "" : " at line " + location.getLineNr() + " column " + location.getColumnNr();
    }

    /** Jackson's messages can span lines and start upper-case; ours are one lower-case line. */
    static String oneLine(String message) {
        if (message == null || message.isEmpty()) {
            return "invalid document";
        }
        String line = message.strip().lines().findFirst().orElse("");
        return line.isEmpty() ? line : Character.toLowerCase(line.charAt(0)) + line.substring(1);
    }
}
