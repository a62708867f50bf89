package dev.berth.image.store;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.berth.oci.runtime.OciJson;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The JSON mapping of the store's own file: the OCI mapper (so digests and descriptors read
 * and write as everywhere else) plus {@link Instant}s as RFC 3339 text, which plain Jackson
 * cannot do without the java.time module.
 */
final class StoreJson {
    private static final ObjectMapper MAPPER = newMapper();

    private StoreJson() {}

    private static ObjectMapper newMapper() {
        SimpleModule times = new SimpleModule("berth-instants");
        times.addSerializer(Instant.class, ToStringSerializer.instance);
        times.addDeserializer(Instant.class, new StdDeserializer<>(Instant.class) {
            private static final long serialVersionUID = 1L;

            @Override
            public Instant deserialize(JsonParser parser, DeserializationContext context) throws IOException {
                try {
                    return Instant.parse(parser.getValueAsString());
                } catch (DateTimeParseException | NullPointerException e) {
                    return (Instant) context.handleWeirdStringValue(Instant.class, parser.getText(),
                            "expected an RFC 3339 time");
                }
            }
        });
        ObjectMapper mapper = OciJson.mapper();
        mapper.registerModule(times);
        return mapper;
    }

    static byte[] write(StoreState state) throws JacksonException {
        return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(state);
    }

    static StoreState read(byte[] json) throws IOException {
        return MAPPER.readValue(json, StoreState.class);
    }
}
