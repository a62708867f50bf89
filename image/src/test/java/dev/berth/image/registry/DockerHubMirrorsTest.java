package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class DockerHubMirrorsTest {
    @Test
    void mirrorsComeFirstInOrderThenDockerHub() {
        DockerHubMirrors hub = DockerHubMirrors.of(List.of(URI.create("https://mirror.example/"),
                URI.create("http://127.0.0.1:5000")));
        assertThat(hub.sources()).containsExactly("https://mirror.example", "http://127.0.0.1:5000",
                "registry-1.docker.io");
        assertThat(DockerHubMirrors.NONE.sources()).containsExactly("registry-1.docker.io");
    }

    @Test
    void aMirrorIsAnHttpOrHttpsUrlWithoutPath() {
        assertThatThrownBy(() -> DockerHubMirrors.of(List.of(URI.create("ftp://m.example/"))))
                .hasMessageContaining("expected http(s)://host[:port]");
        assertThatThrownBy(() -> DockerHubMirrors.of(List.of(URI.create("https://m.example/v2/"))))
                .hasMessageContaining("no path");
        assertThatThrownBy(() -> new DockerHubMirrors(List.of(), "http://hub"))
                .hasMessageContaining("expected host[:port]");
    }
}
