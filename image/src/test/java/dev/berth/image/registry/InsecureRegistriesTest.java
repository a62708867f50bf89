package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class InsecureRegistriesTest {

    @Test
    void loopbackIsInsecureByDefaultAsInDocker() {
        InsecureRegistries insecure = new InsecureRegistries(List.of(), true);
        assertThat(insecure.isInsecure("127.0.0.1:5000")).isTrue();
        assertThat(insecure.isInsecure("127.1.2.3")).isTrue();
        assertThat(insecure.isInsecure("localhost:5000")).isTrue();
        assertThat(insecure.isInsecure("[::1]:5000")).isTrue();
        assertThat(insecure.isInsecure("10.1.2.3:5000")).isFalse();
        assertThat(new InsecureRegistries(List.of(), false).isInsecure("127.0.0.1:5000")).isFalse();
    }

    @Test
    void listedNamesAndCidrs() {
        InsecureRegistries insecure = new InsecureRegistries(
                List.of("myregistry.test:5000", "10.0.0.0/8", "fd00::/8"), false);
        assertThat(insecure.isInsecure("myregistry.test:5000")).isTrue();
        assertThat(insecure.isInsecure("MyRegistry.test:5000")).isTrue();
        assertThat(insecure.isInsecure("myregistry.test:5001")).isFalse();
        assertThat(insecure.isInsecure("10.20.30.40:443")).isTrue();
        assertThat(insecure.isInsecure("11.0.0.1")).isFalse();
        assertThat(insecure.isInsecure("[fd12::1]:5000")).isTrue();
    }

    @Test
    void entriesAreValidatedAsDockerdValidatesThem() {
        assertThatThrownBy(() -> RegistryConfig.defaults().withInsecureRegistries(List.of("http://host:5000")))
                .hasMessage("insecure registry http://host:5000 should not contain '://'");
        assertThatThrownBy(() -> RegistryConfig.defaults().withInsecureRegistries(List.of("10.0.0.0/33")))
                .hasMessage("invalid CIDR prefix: 10.0.0.0/33");
        assertThatThrownBy(() -> RegistryConfig.defaults().withInsecureRegistries(List.of("host/8")))
                .hasMessage("invalid CIDR address: host/8");
    }

    @Test
    void hostnames() {
        assertThat(InsecureRegistries.hostname("h:5000")).isEqualTo("h");
        assertThat(InsecureRegistries.hostname("[::1]:5000")).isEqualTo("::1");
        assertThat(InsecureRegistries.hostname("h")).isEqualTo("h");
    }
}
