package dev.berth.oci.runtime;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Test documents: the resources beside the tests, and edits of them by JSON pointer, so that a
 * failing case reads as "this config, with this one field changed".
 */
final class TestSpecs {
    /** A plain mapper for building test input: it must not share OciJson's strictness. */
    static final ObjectMapper PLAIN = new ObjectMapper();
    /** Marks an edit that removes the field instead of setting it. */
    static final String REMOVE = "<remove>";

    private TestSpecs() {}

    static byte[] resource(String name) {
        try (InputStream in = TestSpecs.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ObjectNode tree(String resource) {
        try {
            return (ObjectNode) PLAIN.readTree(resource(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Applies edits given as pairs: a JSON pointer and the JSON text to put there, or
     * {@link #REMOVE}. A pointer ending in {@code /-} appends to an array.
     */
    static ObjectNode edit(ObjectNode root, String... pointersAndValues) {
        for (int i = 0; i < pointersAndValues.length; i += 2) {
            JsonPointer pointer = JsonPointer.compile(pointersAndValues[i]);
            String value = pointersAndValues[i + 1];
            JsonNode parent = root.at(pointer.head());
            String last = pointer.last().getMatchingProperty();
            if (parent instanceof ObjectNode object) {
                if (value.equals(REMOVE)) {
                    object.remove(last);
                } else {
                    object.set(last, parse(value));
                }
            } else if (parent instanceof ArrayNode array) {
                if (value.equals(REMOVE)) {
                    array.remove(Integer.parseInt(last));
                } else if (last.equals("-")) {
                    array.add(parse(value));
                } else {
                    array.set(Integer.parseInt(last), parse(value));
                }
            } else {
                throw new IllegalArgumentException("no object or array at " + pointer.head());
            }
        }
        return root;
    }

    static byte[] bytes(JsonNode node) {
        try {
            return PLAIN.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Spec spec(JsonNode node) throws InvalidSpecException {
        return OciJson.readSpec(bytes(node));
    }

    private static JsonNode parse(String json) {
        try {
            return PLAIN.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad test JSON: " + json, e);
        }
    }
}
