package dev.berth.daemon.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.http.ApiException;
import dev.berth.oci.image.ImageConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code docker commit --change}: instructions applied on top of the container's config. */
class ImageCommitsTest {
    private static final ImageConfig.Config BASE = new ImageConfig.Config("nobody", Map.of("80/tcp", Map.of()),
            List.of("PATH=/bin", "X=0"), null, List.of("sh"), null, "/", Map.of("a", "1"), null, null, null, null,
            null);

    @Test
    void envReplacesOrAppendsAndLabelsAndPortsAdd() {
        ImageConfig.Config c = ImageCommits.withChanges(BASE,
                List.of("ENV X=1 Y=2", "LABEL b=2", "EXPOSE 443", "USER root"));
        assertThat(c.env()).containsExactly("PATH=/bin", "X=1", "Y=2");
        assertThat(c.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("a", "1", "b", "2"));
        assertThat(c.exposedPorts()).containsOnlyKeys("80/tcp", "443/tcp");
        assertThat(c.user()).isEqualTo("root");
        assertThat(c.cmd()).containsExactly("sh");
    }

    @Test
    void commandsAndDirectoriesReplace() {
        ImageConfig.Config c = ImageCommits.withChanges(BASE,
                List.of("CMD [\"echo\", \"hi\"]", "ENTRYPOINT /init", "WORKDIR /srv"));
        assertThat(c.cmd()).containsExactly("echo", "hi");
        assertThat(c.entrypoint()).containsExactly("/bin/sh", "-c", "/init");
        assertThat(c.workingDir()).isEqualTo("/srv");
        assertThat(c.env()).isEqualTo(BASE.env());
    }

    @Test
    void noChangesKeepTheConfigAndAnUnknownOneIsRefused() {
        assertThat(ImageCommits.withChanges(BASE, List.of())).isSameAs(BASE);
        assertThatThrownBy(() -> ImageCommits.withChanges(BASE, List.of("BOGUS x")))
                .isInstanceOf(ApiException.class).hasMessage("bogus is not a valid change command");
    }
}
