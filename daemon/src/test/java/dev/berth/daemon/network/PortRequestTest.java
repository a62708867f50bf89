package dev.berth.daemon.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.container.CreateRequest;
import dev.berth.daemon.http.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class PortRequestTest {

    private static List<PortRequest> of(String json) {
        CreateRequest r = CreateRequest.parse(json.getBytes(StandardCharsets.UTF_8));
        return PortRequest.of(r.hostConfig(), r.config());
    }

    @Test
    void bindingsAsTheCliSendsThem() {
        assertThat(of("""
                {"Image":"x","HostConfig":{"PortBindings":{
                  "80/tcp":[{"HostIp":"","HostPort":"8080"},{"HostIp":"127.0.0.1","HostPort":""}],
                  "53/udp":[{"HostIp":"0.0.0.0","HostPort":"5300-5302"}]}}}""")).containsExactly(
                new PortRequest("tcp", 80, "", 8080, 8080),
                new PortRequest("tcp", 80, "127.0.0.1", 0, 0),
                new PortRequest("udp", 53, "", 5300, 5302));
    }

    @Test
    void publishAllTakesTheExposedPortsWithoutABinding() {
        assertThat(of("""
                {"Image":"x","ExposedPorts":{"80/tcp":{},"9000/udp":{}},
                 "HostConfig":{"PublishAllPorts":true,"PortBindings":{"80/tcp":[{"HostPort":"8080"}]}}}"""))
                .containsExactly(new PortRequest("tcp", 80, "", 8080, 8080), new PortRequest("udp", 9000, "", 0, 0));
        assertThat(of("""
                {"Image":"x","ExposedPorts":{"80/tcp":{}}}""")).isEmpty();
    }

    @Test
    void badSpecificationsNameThemselves() {
        assertThatThrownBy(() -> of("""
                {"Image":"x","HostConfig":{"PortBindings":{"80/sctp":[{"HostPort":"1"}]}}}"""))
                .isInstanceOf(ApiException.class).hasMessageContaining("\"80/sctp\"");
        assertThatThrownBy(() -> of("""
                {"Image":"x","HostConfig":{"PortBindings":{"80/tcp":[{"HostPort":"70000"}]}}}"""))
                .isInstanceOf(ApiException.class).hasMessage("invalid port specification: \"70000\"");
        assertThatThrownBy(() -> of("""
                {"Image":"x","HostConfig":{"PortBindings":{"80/tcp":[{"HostPort":"9-3"}]}}}"""))
                .isInstanceOf(ApiException.class).hasMessageContaining("empty range");
    }
}
