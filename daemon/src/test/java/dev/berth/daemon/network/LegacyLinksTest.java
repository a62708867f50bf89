package dev.berth.daemon.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.http.ApiException;
import java.util.List;
import org.junit.jupiter.api.Test;

class LegacyLinksTest {
    private static final String ID = "0123456789ab" + "c".repeat(52);
    private static final List<SandboxRecord> RUNNING = List.of(new SandboxRecord(ID, "db", "db", "/run/x",
            List.of(new SandboxRecord.Endpoint("n", "bridge", "e", "eth0", "veth1", "172.17.0.5", 16, "172.17.0.1",
                    "", List.of())), List.of(), List.of()));

    @Test
    void aLinkNamesTheAliasTheShortIdAndTheName() {
        assertThat(LegacyLinks.hostsLine("db:database", RUNNING)).isEqualTo("172.17.0.5\tdatabase 0123456789ab db");
        assertThat(LegacyLinks.hostsLine("/db:/web/database", RUNNING)).isEqualTo("172.17.0.5\tdatabase 0123456789ab db");
        assertThat(LegacyLinks.hostsLine("db", RUNNING)).isEqualTo("172.17.0.5\tdb 0123456789ab");
    }

    @Test
    void aLinkToAContainerWithoutAnAddressIsRefused() {
        assertThatThrownBy(() -> LegacyLinks.hostsLine("cache:c", RUNNING)).isInstanceOf(ApiException.class)
                .hasMessageContaining("cache");
    }
}
