package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** The docker CLI's X-Registry-Auth header, as dockerd decodes it. */
class AuthConfigTest {

    private static String urlSafe(String json) {
        return Base64.getUrlEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesWhatTheDockerCliSends() throws Exception {
        AuthConfig auth = AuthConfig.decodeHeader(urlSafe(
                "{\"username\":\"jane\",\"password\":\"p?ss>w/rd\",\"serveraddress\":\"localhost:5000\"}"));
        assertThat(auth.username()).isEqualTo("jane");
        assertThat(auth.password()).isEqualTo("p?ss>w/rd");
        assertThat(auth.serverAddress()).isEqualTo("localhost:5000");
        assertThat(auth.credentials()).isEqualTo(Credentials.basic("jane", "p?ss>w/rd"));
        assertThat(auth.toString()).doesNotContain("p?ss");
    }

    @Test
    void acceptsMissingPaddingTheStandardAlphabetAndAnyFieldCase() throws Exception {
        String json = "{\"Username\":\"jane\",\"Password\":\"~~~???\",\"IdentityToken\":\"\"}";
        String standard = Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        String unpadded = urlSafe(json).replace("=", "");
        for (String header : new String[] {standard, unpadded, " " + urlSafe(json) + "\n"}) {
            AuthConfig auth = AuthConfig.decodeHeader(header);
            assertThat(auth.credentials()).isEqualTo(Credentials.basic("jane", "~~~???"));
        }
    }

    @Test
    void tokensAndTheAuthField() throws Exception {
        assertThat(AuthConfig.decodeHeader(urlSafe("{\"identitytoken\":\"refresh\"}")).credentials())
                .isEqualTo(new Credentials(null, null, "refresh", null));
        assertThat(AuthConfig.decodeHeader(urlSafe("{\"registrytoken\":\"bearer\"}")).credentials())
                .isEqualTo(new Credentials(null, null, null, "bearer"));
        String pair = Base64.getEncoder().encodeToString("bob:secret:with:colons".getBytes(StandardCharsets.UTF_8));
        assertThat(AuthConfig.decodeHeader(urlSafe("{\"auth\":\"" + pair + "\"}")).credentials())
                .isEqualTo(Credentials.basic("bob", "secret:with:colons"));
    }

    @Test
    void emptyHeaderIsAnonymous() throws Exception {
        assertThat(AuthConfig.decodeHeader(null).credentials().isAnonymous()).isTrue();
        assertThat(AuthConfig.decodeHeader("").credentials().isAnonymous()).isTrue();
        assertThat(AuthConfig.decodeHeader(urlSafe("{}")).credentials().isAnonymous()).isTrue();
    }

    @Test
    void malformedHeaderIsAnInvalidArgument() {
        assertThatThrownBy(() -> AuthConfig.decodeHeader("!!!not base64"))
                .isInstanceOfSatisfying(ImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.INVALID_ARGUMENT))
                .hasMessageStartingWith("invalid X-Registry-Auth header: ");
        assertThatThrownBy(() -> AuthConfig.decodeHeader(urlSafe("{\"username\": 5}")))
                .hasMessage("invalid X-Registry-Auth header: username: expected a string");
        assertThatThrownBy(() -> AuthConfig.decodeHeader(urlSafe("not json")))
                .hasMessageStartingWith("invalid X-Registry-Auth header: ");
    }

    @Test
    void encodesAsTheCliDoes() throws Exception {
        AuthConfig auth = new AuthConfig("jane", "pw", null, "localhost:5000", null, null);
        assertThat(AuthConfig.decodeHeader(auth.encodeHeader())).isEqualTo(auth);
        assertThat(new String(Base64.getUrlDecoder().decode(auth.encodeHeader()), StandardCharsets.UTF_8))
                .isEqualTo("{\"username\":\"jane\",\"password\":\"pw\",\"serveraddress\":\"localhost:5000\"}");
    }
}
