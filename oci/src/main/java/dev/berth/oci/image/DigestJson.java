package dev.berth.oci.image;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;

/**
 * Reads a {@link Digest} from its string form. A malformed digest is reported with go-digest's
 * words and the value, under the field's JSON path: {@code layers[0].digest: invalid checksum
 * digest length: sha256:abc}.
 */
final class DigestJson extends StdDeserializer<Digest> {
    private static final long serialVersionUID = 1L;

    DigestJson() {
        super(Digest.class);
    }

    @Override
    public Digest deserialize(JsonParser parser, DeserializationContext context) throws IOException {
        if (parser.currentToken() != JsonToken.VALUE_STRING) {
            throw JsonMappingException.from(parser, "expected a digest string, got " + parser.getText());
        }
        try {
            return Digest.parse(parser.getText());
        } catch (IllegalArgumentException e) {
            throw JsonMappingException.from(parser, e.getMessage());
        }
    }
}
