package dev.berth.oci.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The field-by-field writers give the bytes the databind writers give. */
class OciJsonStreamingWriteTest {
    @Test
    void aStateIsWrittenAsDatabindWritesIt() {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("org.example/a", "1 \"quoted\" é");
        annotations.put("b", "");
        for (State s : List.of(
                new State("1.2.1", "c1", State.Status.CREATING, 42, "/b", annotations),
                new State("1.0.0", "c2", State.Status.STOPPED, 0, "/bundle", null),
                new State(null, "c3", State.Status.PAUSED, 7, null, Map.of()))) {
            assertThat(new String(OciJson.writeState(s))).isEqualTo(new String(OciJson.write(s)));
        }
    }

    @Test
    void thePrettyGeneratorIndentsAsWritePrettyDoes() throws Exception {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("ociVersion", "1.2.1");
        doc.put("pid", 5);
        doc.put("empty", Map.of());
        doc.put("list", List.of());
        doc.put("nested", Map.of("k", "v"));
        StringWriter out = new StringWriter();
        try (JsonGenerator g = OciJson.prettyGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ociVersion", "1.2.1");
            g.writeNumberField("pid", 5);
            g.writeObjectFieldStart("empty");
            g.writeEndObject();
            g.writeArrayFieldStart("list");
            g.writeEndArray();
            g.writeObjectFieldStart("nested");
            g.writeStringField("k", "v");
            g.writeEndObject();
            g.writeEndObject();
        }
        assertThat(out.toString()).isEqualTo(OciJson.writePretty(doc));
    }
}
