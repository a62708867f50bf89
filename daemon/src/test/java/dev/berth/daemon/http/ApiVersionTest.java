package dev.berth.daemon.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ApiVersionTest {
    @Test
    void parsesAndComparesNumerically() {
        assertThat(ApiVersion.parse("1.50")).isEqualTo(ApiVersion.of(1, 50));
        assertThat(ApiVersion.parse("1")).isEqualTo(ApiVersion.of(1, 0));
        assertThat(ApiVersion.parse("1.9").isBefore(ApiVersion.parse("1.24"))).isTrue();
        assertThat(ApiVersion.parse("1.50").isAtLeast(ApiVersion.parse("1.50"))).isTrue();
        assertThat(ApiVersion.parse("2.0").compareTo(ApiVersion.parse("1.99"))).isPositive();
        assertThat(ApiVersion.of(1, 5)).hasToString("1.5");
    }

    @Test
    void refusesMalformedVersions() {
        for (String bad : new String[] {"", ".", "1.", "1..2", "1.2.3", "a.b", "1.x"}) {
            assertThatThrownBy(() -> ApiVersion.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void unversionedRequestsGetTheCurrentVersion() {
        assertThat(ApiVersion.negotiate(null)).isEqualTo(ApiVersion.CURRENT);
        assertThat(ApiVersion.CURRENT).isEqualTo(ApiVersion.of(1, 56));
        assertThat(ApiVersion.MINIMUM).isEqualTo(ApiVersion.of(1, 24));
    }

    @Test
    void versionsInsideTheRangeAreServed() {
        assertThat(ApiVersion.negotiate("1.24")).isEqualTo(ApiVersion.MINIMUM);
        assertThat(ApiVersion.negotiate("1.50")).isEqualTo(ApiVersion.of(1, 50));
        assertThat(ApiVersion.negotiate("1.56")).isEqualTo(ApiVersion.CURRENT);
    }

    @Test
    void tooNewAndTooOldCarryDockerdsMessages() {
        assertThatThrownBy(() -> ApiVersion.negotiate("1.99"))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
                .hasMessage("client version 1.99 is too new. Maximum supported API version is 1.56");
        assertThatThrownBy(() -> ApiVersion.negotiate("1.23"))
                .isInstanceOf(ApiException.class)
                .hasMessage("client version 1.23 is too old. Minimum supported API version is 1.24, "
                        + "please upgrade your client to a newer version");
        assertThatThrownBy(() -> ApiVersion.negotiate("1..2")).isInstanceOf(ApiException.class)
                .hasMessageContaining("invalid API version");
    }
}
