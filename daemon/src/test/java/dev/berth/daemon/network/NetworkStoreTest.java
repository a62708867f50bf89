package dev.berth.daemon.network;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NetworkStoreTest {

    @Test
    void aNetworkReadsBackAsItWasSaved(@TempDir Path dir) throws Exception {
        Network n = new Network("a".repeat(64), "front", "bridge", "2026-12-02T00:00:00Z", "br-aaaaaaaaaaaa",
                "10.1.0.0/24", "10.1.0.1", "10.1.0.128/25", true, false, false, Map.of("team", "x"),
                Map.of(NetworkService.BRIDGE_NAME_OPTION, "br-aaaaaaaaaaaa"));
        NetworkStore.open(dir).save(n);
        assertThat(Files.readString(dir.resolve(n.id() + ".json"))).contains("\"Bridge\":\"br-aaaaaaaaaaaa\"")
                .doesNotContain("DefaultBridge");
        NetworkStore again = NetworkStore.open(dir);
        assertThat(again.get("front")).isEqualTo(n);
        assertThat(again.get("aaaa")).isEqualTo(n);
    }
}
