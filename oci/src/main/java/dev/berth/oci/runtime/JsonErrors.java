package dev.berth.oci.runtime;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DatabindException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns Jackson's exceptions into {@link InvalidSpecException}s in the project's convention:
 * one lower-case line naming the document, the field by its JSON path, and what was expected.
 * Jackson's own messages name Java types and source objects ({@code Cannot deserialize value of
 * type `long` from String "x"}), which mean nothing to someone who wrote a {@code config.json}.
 * The wording shared with the databind-free {@link JsonCursor} (how a token or a syntax error
 * is shown) lives there.
 */
final class JsonErrors {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private JsonErrors() {}

    static InvalidSpecException translate(String source, JacksonException e) {
        // A syntax error met while binding a nested value arrives wrapped with a path; it is
        // still a syntax error, reported by position.
        if (e instanceof DatabindException && e.getCause() instanceof StreamReadException read
                && !(read instanceof InputCoercionException)) {
            return JsonCursor.malformed(source, read, e);
        }
        if (e instanceof DatabindException mapping) {
            String path = path(((JsonMappingException) mapping).getPath());
            return new InvalidSpecException(source, path, reason((JsonMappingException) mapping), e);
        }
        if (e instanceof InputCoercionException coercion) {
            return new InvalidSpecException(source, "", outOfRange(coercion), e);
        }
        if (e instanceof StreamReadException read) {
            return JsonCursor.malformed(source, read, e);
        }
        return new InvalidSpecException(source, "", JsonCursor.oneLine(e.getOriginalMessage()), e);
    }

    private static String reason(JsonMappingException e) {
        if (e instanceof JsonReadProblem) {
            return e.getOriginalMessage();
        }
        if (e.getCause() instanceof InputCoercionException coercion) {
            return outOfRange(coercion);
        }
        if (e instanceof MismatchedInputException mismatch) {
            JsonParser parser = e.getProcessor() instanceof JsonParser p ? p : null;
            if (e.getPath().isEmpty() && parser != null && parser.currentToken() == null) {
                return "empty document";
            }
            Class<?> target = mismatch.getTargetType();
            String got = mismatch instanceof InvalidFormatException format && format.getValue() != null
                    ? JsonCursor.shown(format.getValue()) : JsonCursor.describe(parser);
            if (target != null && target.isEnum()) {
                String allowed = Arrays.stream(target.getEnumConstants())
                        .map(c -> ((Enum<?>) c).name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(", "));
                return "unknown value " + got + " (want one of " + allowed + ")";
            }
            String expected = expected(target);
            if (expected != null) {
                return "expected " + expected + ", got " + got;
            }
        }
        return JsonCursor.oneLine(e.getOriginalMessage());
    }

    private static String outOfRange(InputCoercionException e) {
        String text = e.getProcessor() instanceof JsonParser p ? JsonCursor.describe(p) : "a number";
        Class<?> target = e.getTargetType();
        String range = target == Integer.TYPE || target == Integer.class ? "a 32-bit integer"
                : "a 64-bit integer";
        return "expected " + range + ", got " + text;
    }

    /** What a Java type looks like in JSON, for "expected ..." messages. */
    private static String expected(Class<?> target) {
        if (target == null) {
            return null;
        }
        if (target == String.class || target == Character.class || target == Character.TYPE) {
            return "a string";
        }
        if (target == Boolean.class || target == Boolean.TYPE) {
            return "a boolean";
        }
        if (Number.class.isAssignableFrom(target) || target.isPrimitive()) {
            return "a number";
        }
        if (Collection.class.isAssignableFrom(target) || target.isArray()) {
            return "an array";
        }
        return "an object"; // records and maps
    }

    /** {@code process.rlimits[0].type}; map keys that are not identifiers are quoted. */
    static String path(List<JsonMappingException.Reference> references) {
        StringBuilder out = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getIndex() >= 0) {
                out.append('[').append(ref.getIndex()).append(']');
            } else if (ref.getFieldName() == null) {
                continue;
            } else if (IDENTIFIER.matcher(ref.getFieldName()).matches()
                    && !(ref.getFrom() instanceof Map<?, ?>)) {
                out.append(out.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else {
                out.append("[\"").append(ref.getFieldName()).append("\"]");
            }
        }
        return out.toString();
    }
}
