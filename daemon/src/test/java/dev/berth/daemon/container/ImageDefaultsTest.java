package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.oci.image.ImageConfig;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ImageDefaultsTest {

    static ImageConfig.Config image(List<String> entrypoint, List<String> cmd) {
        return new ImageConfig.Config("daemon", null, List.of("PATH=/img/bin", "IMG=1"), entrypoint, cmd,
                Map.of("/data", Map.of()), "/srv", Map.of("from", "image", "both", "image"), "SIGQUIT",
                null, null, null, null);
    }

    static ContainerConfig request(List<String> entrypoint, List<String> cmd) {
        return new ContainerConfig(null, null, null, null, null, null, null, null, null, null, null, cmd, null,
                null, "img", null, null, entrypoint, null, null, null, null, null, null);
    }

    static List<String> l(String... s) {
        return s.length == 1 && s[0] == null ? null : Arrays.asList(s);
    }

    /** image entrypoint, image cmd, request entrypoint, request cmd → process args. */
    static Stream<Arguments> mergeTable() {
        return Stream.of(
                Arguments.of(null, l("sh"), null, null, l("sh")),
                Arguments.of(null, l("sh"), null, l("echo", "hi"), l("echo", "hi")),
                Arguments.of(l("/ep"), l("arg"), null, null, l("/ep", "arg")),
                Arguments.of(l("/ep"), l("arg"), null, l("other"), l("/ep", "other")),
                // a request entrypoint drops the image's cmd
                Arguments.of(l("/ep"), l("arg"), l("/new"), null, l("/new")),
                Arguments.of(l("/ep"), l("arg"), l("/new"), l("x"), l("/new", "x")),
                // Entrypoint: [] resets the entrypoint but keeps the image's cmd
                Arguments.of(l("/ep"), l("arg"), l(), null, l("arg")),
                // --entrypoint "" is [""]: no entrypoint, and the image's cmd is not inherited
                Arguments.of(l("/ep"), l("arg"), l(""), l("echo"), l("echo")),
                Arguments.of(null, l("sh"), l(""), l("ls", "-l"), l("ls", "-l")));
    }

    @ParameterizedTest
    @MethodSource("mergeTable")
    void entrypointAndCmdMergeAsInDockerd(List<String> imageEp, List<String> imageCmd, List<String> reqEp,
            List<String> reqCmd, List<String> args) {
        ContainerConfig merged = ImageDefaults.merge(request(reqEp, reqCmd), image(imageEp, imageCmd));
        assertThat(SpecGenerator.args(merged, false)).isEqualTo(args);
    }

    @Test
    void nothingToRunIsRefused() {
        assertThatThrownBy(() -> ImageDefaults.merge(request(l(""), null), image(l("/ep"), l("arg"))))
                .isInstanceOf(InvalidContainerConfigException.class).hasMessage("no command specified");
        assertThatThrownBy(() -> ImageDefaults.merge(request(null, null), null))
                .hasMessage("no command specified");
    }

    @Test
    void imageDefaultsFillWhatTheRequestLeavesOut() {
        ContainerConfig r = new ContainerConfig(null, null, null, null, null, null, null, null, null, null,
                List.of("IMG=2", "REQ=1"), null, null, null, "img", Map.of("/logs", Map.of()), null, null, null, null,
                Map.of("both", "request"), null, null, null);
        ContainerConfig m = ImageDefaults.merge(r, image(null, List.of("sh")));
        assertThat(m.user()).isEqualTo("daemon");
        assertThat(m.workingDir()).isEqualTo("/srv");
        assertThat(m.stopSignal()).isEqualTo("SIGQUIT");
        assertThat(m.env()).containsExactly("IMG=2", "REQ=1", "PATH=/img/bin");
        assertThat(m.volumes()).containsOnlyKeys("/data", "/logs");
        assertThat(m.labels()).containsEntry("both", "request").containsEntry("from", "image");
    }

    @Test
    void badConfigValuesAreRefusedWithDockerdsWords() {
        assertThatThrownBy(() -> ImageDefaults.merge(withWorkdirSignalEnv("rel", null, null), null))
                .hasMessage("the working directory 'rel' is invalid, it needs to be an absolute path");
        assertThatThrownBy(() -> ImageDefaults.merge(withWorkdirSignalEnv(null, "SIGNOPE", null), null))
                .hasMessage("Invalid signal: SIGNOPE");
        assertThatThrownBy(() -> ImageDefaults.merge(withWorkdirSignalEnv(null, null, List.of("=x")), null))
                .hasMessage("invalid environment variable: =x");
        ImageDefaults.merge(withWorkdirSignalEnv("/ok", "RTMIN+3", List.of("A=")), null);
        ImageDefaults.merge(withWorkdirSignalEnv("/ok", "9", null), null);
    }

    @Test
    void tooShortHealthCheckDurationsAreRefused() {
        ContainerConfig r = new ContainerConfig(null, null, null, null, null, null, null, null, null, null, null,
                List.of("sh"), new ImageConfig.HealthCheck(List.of("CMD", "true"), 10L, null, null, null, null),
                null, null, null, null, null, null, null, null, null, null, null);
        assertThatThrownBy(() -> ImageDefaults.merge(r, null)).hasMessage("Interval in Healthcheck cannot be less than 1ms");
    }

    static ContainerConfig withWorkdirSignalEnv(String workdir, String signal, List<String> env) {
        return new ContainerConfig(null, null, null, null, null, null, null, null, null, null, env, List.of("sh"),
                null, null, null, null, workdir, null, null, null, null, signal, null, null);
    }
}
