package dev.berth.runtime.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerRecordJsonTest {
    private static final ContainerRecord FULL = new ContainerRecord("c1", "/b", "/b/rootfs", 42, 123456789L,
            "2026-12-02T05:00:00.000000001Z", "", "/berth/c1", true, Map.of("org.example/key", "v \"q\" é"));

    @Test
    void aRecordSurvivesTheRoundTrip() throws IOException {
        assertThat(ContainerRecordJson.read(ContainerRecordJson.write(FULL))).isEqualTo(FULL);
        ContainerRecord sparse = new ContainerRecord("c2", "/b", "/b/rootfs", 7, 0, "t", null, null, false, null);
        assertThat(ContainerRecordJson.read(ContainerRecordJson.write(sparse))).isEqualTo(sparse);
    }

    @Test
    void theFileHasTheShapeDatabindGaveIt() throws IOException {
        // state.json written by earlier builds (through databind) must stay readable, and the
        // other way round: the same field names and types.
        ObjectMapper databind = new ObjectMapper();
        assertThat(databind.readTree(ContainerRecordJson.write(FULL))).isEqualTo(databind.readTree(
                databind.writeValueAsBytes(FULL)));
        assertThat(ContainerRecordJson.read(databind.writeValueAsBytes(FULL))).isEqualTo(FULL);
    }

    @Test
    void unknownFieldsAreIgnored() throws IOException {
        byte[] json = """
                {"id":"c","future":{"nested":[1,2,{"x":null}]},"pid":3,"bundle":"/b","extra":true}"""
                .getBytes(StandardCharsets.UTF_8);
        ContainerRecord r = ContainerRecordJson.read(json);
        assertThat(r.id()).isEqualTo("c");
        assertThat(r.pid()).isEqualTo(3);
        assertThat(r.bundle()).isEqualTo("/b");
    }

    @Test
    void aDamagedFileIsAnErrorNamingTheField() {
        assertThatThrownBy(() -> ContainerRecordJson.read("{\"pid\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessage("state.json: pid: expected an integer, got VALUE_STRING");
        assertThatThrownBy(() -> ContainerRecordJson.read("{\"id\":\"c\"".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageStartingWith("state.json: ");
        assertThatThrownBy(() -> ContainerRecordJson.read("[]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageStartingWith("state.json: the document: expected {");
    }
}
