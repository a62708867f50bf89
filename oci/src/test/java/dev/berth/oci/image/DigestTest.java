package dev.berth.oci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DigestTest {
    // sha256 of the empty string and of "hello", as sha256sum prints them.
    private static final String EMPTY = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final String HELLO = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

    @Test
    void digestsBytesAsSha256sumDoes() {
        assertThat(Digest.of(new byte[0])).hasToString("sha256:" + EMPTY);
        assertThat(Digest.of("hello".getBytes(StandardCharsets.UTF_8)).hex()).isEqualTo(HELLO);
    }

    @Test
    void parsesAndPrintsTheCanonicalForm() {
        Digest digest = Digest.parse("sha256:" + HELLO);
        assertThat(digest.algorithm()).isEqualTo("sha256");
        assertThat(digest.encoded()).isEqualTo(HELLO);
        assertThat(digest.shortId()).isEqualTo("2cf24dba5fb0");
        assertThat(digest).isEqualTo(Digest.sha256(HELLO));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "sha256:abc|invalid checksum digest length",
        "sha256:" + "2CF24DBA5FB0A30E26E83B2AC5B9E29E1B161E5C1FA7425E73043362938B9824|invalid checksum digest format",
        "sha256|invalid checksum digest format",
        "sha256:|invalid checksum digest format",
        ":abc|invalid checksum digest format",
        "SHA256:abc|invalid checksum digest format",
        "sha512:abcd|invalid checksum digest length",
        "sha256:" + "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b982g|invalid checksum digest format",
    })
    void refusesMalformedDigestsWithGoDigestsWords(String text, String reason) {
        assertThatThrownBy(() -> Digest.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(reason);
        assertThat(Digest.isValid(text)).isFalse();
    }

    @Test
    void letsUnregisteredAlgorithmsPassAsTheSpecAsks() {
        Digest digest = Digest.parse("multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8");
        assertThat(digest.algorithm()).isEqualTo("multihash+base58");
        assertThatThrownBy(digest::digester).hasMessage("unsupported digest algorithm: multihash+base58");
    }

    @Test
    void streamingDigesterMatchesOneShotAndCanBeReadMidway() throws Exception {
        byte[] data = "hello".getBytes(StandardCharsets.UTF_8);
        Digester digester = Digester.sha256();
        try (InputStream in = digester.wrap(new ByteArrayInputStream(data))) {
            assertThat(digester.digest().hex()).isEqualTo(EMPTY);
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertThat(digester.digest().hex()).isEqualTo(HELLO);
        assertThat(digester.count()).isEqualTo(5);

        Digester viaOutput = Digester.sha256();
        viaOutput.asOutputStream().write(data, 0, 2);
        viaOutput.asOutputStream().write(data, 2, 3);
        assertThat(viaOutput.digest()).isEqualTo(Digest.of(data));
    }

    @Test
    void sha512IsComputable() {
        Digester digester = Digest.parse("sha512:" + "0".repeat(128)).digester();
        assertThat(digester.digest().encoded()).hasSize(128);
    }
}
