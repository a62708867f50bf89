package dev.berth.image.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The cases of distribution/reference's normalize_test.go and reference_test.go that Docker's
 * behaviour depends on, plus what docker CLI 28 prints for the error cases.
 */
class ImageReferenceTest {
    private static final String HEX = "a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4";
    private static final String DIGEST = "sha256:" + HEX;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
        // input                                  | domain            | path                  | tag     | digest | familiar
        "busybox                                  | docker.io         | library/busybox       | -       | -      | busybox",
        "busybox:1.36                             | docker.io         | library/busybox       | 1.36    | -      | busybox:1.36",
        "library/busybox                          | docker.io         | library/busybox       | -       | -      | busybox",
        "docker.io/busybox                        | docker.io         | library/busybox       | -       | -      | busybox",
        "docker.io/library/busybox:latest         | docker.io         | library/busybox       | latest  | -      | busybox:latest",
        "index.docker.io/library/busybox          | docker.io         | library/busybox       | -       | -      | busybox",
        "user/repo                                | docker.io         | user/repo             | -       | -      | user/repo",
        "docker.io/library/a/b                    | docker.io         | library/a/b           | -       | -      | library/a/b",
        "localhost/repo                           | localhost         | repo                  | -       | -      | localhost/repo",
        "localhost:5000/repo:tag                  | localhost:5000    | repo                  | tag     | -      | localhost:5000/repo:tag",
        "registry.example.com/a/b/c:v1            | registry.example.com | a/b/c              | v1      | -      | registry.example.com/a/b/c:v1",
        "127.0.0.1:5000/test                      | 127.0.0.1:5000    | test                  | -       | -      | 127.0.0.1:5000/test",
        "[::1]:5000/ipv6                          | [::1]:5000        | ipv6                  | -       | -      | [::1]:5000/ipv6",
        "Foo/bar                                  | Foo               | bar                   | -       | -      | Foo/bar",
        "a/b_c/d__e/f-g/h--i.j                    | docker.io         | a/b_c/d__e/f-g/h--i.j | -       | -      | a/b_c/d__e/f-g/h--i.j",
        "busybox:Tag_with-UPPER.case              | docker.io         | library/busybox       | Tag_with-UPPER.case | - | busybox:Tag_with-UPPER.case",
    })
    void parsesAndNormalizesAsDockerDoes(String input, String domain, String path, String tag, String digest,
            String familiar) throws Exception {
        ImageReference ref = ImageReference.parse(input);
        assertThat(ref.domain()).isEqualTo(domain);
        assertThat(ref.path()).isEqualTo(path);
        assertThat(ref.tag()).isEqualTo(tag);
        assertThat(ref.digest()).isNull();
        assertThat(ref.familiar()).isEqualTo(familiar);
    }

    @Test
    void digestsWithAndWithoutTags() throws Exception {
        ImageReference byDigest = ImageReference.parse("localhost:5000/repo@" + DIGEST);
        assertThat(byDigest.domain()).isEqualTo("localhost:5000");
        assertThat(byDigest.digest()).hasToString(DIGEST);
        assertThat(byDigest.tag()).isNull();
        assertThat(byDigest).hasToString("localhost:5000/repo@" + DIGEST);

        ImageReference both = ImageReference.parse("repo:tag@" + DIGEST);
        assertThat(both).hasToString("docker.io/library/repo:tag@" + DIGEST);
        assertThat(both.familiar()).isEqualTo("repo:tag@" + DIGEST);
        // A pull by tag and digest pins the digest and forgets the tag, as ParseDockerRef does.
        assertThat(ImageReference.parseDockerRef("repo:tag@" + DIGEST))
                .hasToString("docker.io/library/repo@" + DIGEST);
        assertThat(ImageReference.parseDockerRef("busybox")).hasToString("docker.io/library/busybox:latest");
        assertThat(ImageReference.parse("busybox").withDefaultTag().familiar()).isEqualTo("busybox:latest");
        assertThat(ImageReference.parse("busybox:1").withDefaultTag().tag()).isEqualTo("1");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "''                        | invalid reference format",
        "Busybox                   | invalid reference format: repository name (library/Busybox) must be lowercase",
        "example.com/Foo/bar       | invalid reference format: repository name (Foo/bar) must be lowercase",
        "user/Repo:tag             | invalid reference format: repository name (user/Repo) must be lowercase",
        "foo@@                     | invalid reference format",
        "foo:                      | invalid reference format",
        ":tag                      | invalid reference format",
        "foo/                      | invalid reference format",
        "/foo                      | invalid reference format",
        "foo//bar                  | invalid reference format",
        "-foo                      | invalid reference format",
        "foo-                      | invalid reference format",
        "foo___bar                 | invalid reference format",
        "foo:tag:tag               | invalid reference format",
        "foo:-tag                  | invalid reference format",
        "localhost:port/foo        | invalid reference format",
        "a_b:1/c                   | invalid reference format",
        "foo@sha256:abc            | invalid reference format",
        "foo@sha256:0123456789abcdef0123456789abcdef | invalid checksum digest length",
        "foo@md5:0123456789abcdef0123456789abcdef    | unsupported digest algorithm",
        "foo@sha256:A3ED95CAEB02FFE68CDD9FD84406680AE93D633CB16422D00E8A7C22955B46D4 | invalid checksum digest format",
        HEX + "                    | invalid repository name (" + HEX + "), cannot specify 64-byte hexadecimal strings",
    })
    void refusesWithDockersWords(String input, String message) {
        // Docker's bare "invalid reference format" gets the reference added
        String expected = message.equals("invalid reference format") ? message + ": \"" + input + "\"" : message;
        assertThatThrownBy(() -> ImageReference.parse(input))
                .isInstanceOf(ImageException.class)
                .hasMessage(expected)
                .extracting(e -> ((ImageException) e).kind()).isEqualTo(ImageException.Kind.INVALID_ARGUMENT);
    }

    @Test
    void limitsTagAndNameLength() throws Exception {
        assertThat(ImageReference.parse("foo:" + "t".repeat(128)).tag()).hasSize(128);
        assertThatThrownBy(() -> ImageReference.parse("foo:" + "t".repeat(129)))
                .hasMessage("invalid reference format: \"foo:" + "t".repeat(129) + "\"");
        String longPath = "a/".repeat(130) + "b"; // with docker.io/ the name exceeds 255
        assertThatThrownBy(() -> ImageReference.parse(longPath))
                .hasMessage("repository name must not be more than 255 characters");
        assertThat(ImageReference.isValidTag("v1.0_rc-1")).isTrue();
        assertThat(ImageReference.isValidTag(".hidden")).isFalse();
    }

    @ParameterizedTest(name = "{0} ~ {1}")
    @CsvSource(delimiter = '|', value = {
        "busybox          | busybox:latest              | true",
        "busy*            | busybox:latest              | true",
        "busybox:*        | busybox:1.36                | true",
        "*:1.36           | busybox:1.36                | true",
        "busybox:lat?st   | busybox:latest              | true",
        "busybox:[a-z]*   | busybox:latest              | true",
        "busybox:[^a-z]*  | busybox:latest              | false",
        "*                | user/repo:tag               | false",
        "*/*              | user/repo:tag               | true",
        "user/*           | user/repo:tag               | true",
        "alpine           | busybox:latest              | false",
        "localhost:5000/* | localhost:5000/repo:1       | true",
    })
    void familiarMatchIsDockersReferenceFilter(String pattern, String reference, boolean expected) throws Exception {
        assertThat(ImageReference.parse(reference).familiarMatch(pattern)).isEqualTo(expected);
    }

    @Test
    void malformedGlobIsGosSyntaxError() {
        assertThatThrownBy(() -> GlobPattern.matches("[a-", "abc")).hasMessage("syntax error in pattern");
        assertThatThrownBy(() -> GlobPattern.matches("abc\\", "x")).hasMessage("syntax error in pattern");
        assertThatThrownBy(() -> GlobPattern.matches("x[]", "y")).hasMessage("syntax error in pattern");
    }
}
