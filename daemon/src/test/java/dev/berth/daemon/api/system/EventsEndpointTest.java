package dev.berth.daemon.api.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.http.ApiException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventsEndpointTest {
    @Test
    void timestampsAsTheCliSendsThem() {
        assertThat(EventsEndpoint.timestamp("since", "1700000000")).isEqualTo(Instant.ofEpochSecond(1700000000));
        assertThat(EventsEndpoint.timestamp("since", "1700000000.5")).isEqualTo(Instant.ofEpochSecond(1700000000, 500_000_000));
        assertThat(EventsEndpoint.timestamp("since", "1700000000.000000001")).isEqualTo(Instant.ofEpochSecond(1700000000, 1));
        assertThat(EventsEndpoint.timestamp("since", null)).isNull();
        assertThat(EventsEndpoint.timestamp("since", "")).isNull();
    }

    @Test
    void badTimestampsAre400() {
        for (String bad : new String[] {"yesterday", "1.2.3", "1.", "1.1234567890", "10m"}) {
            assertThatThrownBy(() -> EventsEndpoint.timestamp("until", bad)).as(bad).isInstanceOf(ApiException.class)
                    .hasMessageStartingWith("invalid value for until: " + bad);
        }
    }

    @Test
    void contentTypeNegotiation() {
        assertThat(EventsEndpoint.contentType(null)).isEqualTo("application/json");
        assertThat(EventsEndpoint.contentType("*/*")).isEqualTo("application/json");
        assertThat(EventsEndpoint.contentType("application/json-seq")).isEqualTo("application/json-seq");
        assertThat(EventsEndpoint.contentType("application/x-ndjson, application/json")).isEqualTo("application/x-ndjson");
        assertThat(EventsEndpoint.contentType("application/jsonl")).isEqualTo("application/jsonl");
    }
}
