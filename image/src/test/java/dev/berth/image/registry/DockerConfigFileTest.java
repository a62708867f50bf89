package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigFileTest {
    @TempDir
    Path tmp;

    private static String auth(String pair) {
        return Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void findsCredentialsByHostAsDockerDoes() throws Exception {
        Path file = tmp.resolve("config.json");
        Files.writeString(file, """
                {"auths": {
                  "https://index.docker.io/v1/": {"auth": "%s"},
                  "http://localhost:5000/v2/": {"auth": "%s"},
                  "registry.example.com": {"identitytoken": "refresh-token"},
                  "empty.example.com": {}
                 }}
                """.formatted(auth("hubuser:hubpass"), auth("local:pw")));
        DockerConfigFile config = DockerConfigFile.read(file);
        assertThat(config.credentials("docker.io")).isEqualTo(Credentials.basic("hubuser", "hubpass"));
        assertThat(config.credentials("localhost:5000")).isEqualTo(Credentials.basic("local", "pw"));
        assertThat(config.credentials("registry.example.com"))
                .isEqualTo(new Credentials(null, null, "refresh-token", null));
        assertThat(config.credentials("empty.example.com").isAnonymous()).isTrue();
        assertThat(config.credentials("other:5000")).isEqualTo(Credentials.ANONYMOUS);
    }

    @Test
    void missingFileHasNoCredentialsAndBrokenFilesSaySo() throws Exception {
        assertThat(DockerConfigFile.read(tmp.resolve("absent.json")).credentials("docker.io").isAnonymous()).isTrue();
        Path broken = tmp.resolve("broken.json");
        Files.writeString(broken, "{\"auths\": {\"h\": {\"auth\": \"bm9jb2xvbg==\"}}}");
        assertThatThrownBy(() -> DockerConfigFile.read(broken))
                .hasMessage(broken + ": auths.h: auth: expected base64 of user:password");
    }
}
