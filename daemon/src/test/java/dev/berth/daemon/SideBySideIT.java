package dev.berth.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.daemon.testing.BerthdProcess;
import dev.berth.daemon.testing.RawHttp;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two daemons with their own roots and sockets run side by side, and one stopping leaves the other be. */
class SideBySideIT {
    @TempDir
    Path dir;

    @Test
    void twoDaemonsSideBySide() throws Exception {
        try (BerthdProcess a = BerthdProcess.start(dir.resolve("a"));
             BerthdProcess b = BerthdProcess.start(dir.resolve("b"))) {
            JsonNode ia = RawHttp.call(a.socket, "GET", "/info").json();
            JsonNode ib = RawHttp.call(b.socket, "GET", "/info").json();
            assertThat(ia.get("DockerRootDir").asText()).isEqualTo(a.dataRoot.toString());
            assertThat(ib.get("DockerRootDir").asText()).isEqualTo(b.dataRoot.toString());
            assertThat(ia.get("ID").asText()).isNotEqualTo(ib.get("ID").asText());

            assertThat(a.terminate(Duration.ofSeconds(30))).isZero();
            assertThat(a.socket).doesNotExist();
            assertThat(RawHttp.call(b.socket, "GET", "/_ping").text()).isEqualTo("OK");
        }
    }
}
