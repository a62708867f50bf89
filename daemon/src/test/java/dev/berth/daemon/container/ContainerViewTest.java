package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerViewTest {
    @TempDir
    Path dir;

    Path root;
    Path bound;
    ContainerView view;

    @BeforeEach
    void tree() throws Exception {
        root = Files.createDirectories(dir.resolve("rootfs"));
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "root\n");
        Files.createDirectories(root.resolve("usr/lib"));
        Files.createSymbolicLink(root.resolve("lib"), Path.of("/usr/lib"));
        Files.createSymbolicLink(root.resolve("up"), Path.of("/"));
        Files.createSymbolicLink(root.resolve("rel"), Path.of("../../../../etc"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        bound = Files.createDirectories(dir.resolve("host-data"));
        Files.writeString(bound.resolve("f"), "bound\n");
        view = new ContainerView(root, Map.of("/data", bound));
    }

    @Test
    void dotDotStopsAtTheRoot() throws Exception {
        ContainerView.Resolved r = view.resolve("/../../etc/passwd", false, false);
        assertThat(r.containerPath()).isEqualTo("/etc/passwd");
        assertThat(r.hostPath()).isEqualTo(root.resolve("etc/passwd"));
    }

    @Test
    void linksResolveInsideTheContainer() throws Exception {
        assertThat(view.resolve("/up/etc/passwd", false, false).hostPath()).isEqualTo(root.resolve("etc/passwd"));
        assertThat(view.resolve("/rel/passwd", false, false).hostPath()).isEqualTo(root.resolve("etc/passwd"));
        assertThat(view.resolve("/lib", true, false).containerPath()).isEqualTo("/usr/lib");
        // the last component is the link itself unless asked to follow it
        assertThat(view.resolve("/lib", false, false).hostPath()).isEqualTo(root.resolve("lib"));
        assertThat(view.resolve("/up", true, false).hostPath()).isEqualTo(root);
    }

    @Test
    void bindsAreReadFromTheirSource() throws Exception {
        assertThat(view.resolve("/data/f", false, false).hostPath()).isEqualTo(bound.resolve("f"));
        assertThat(view.resolve("/up/data/../data/f", false, false).hostPath()).isEqualTo(bound.resolve("f"));
        assertThat(view.boundAt("/data")).isEqualTo(bound);
    }

    @Test
    void missingDirectoriesAreReportedOrMade() throws Exception {
        assertThat(view.resolve("/etc/nosuch", false, false).hostPath()).isEqualTo(root.resolve("etc/nosuch"));
        assertThatThrownBy(() -> view.resolve("/nosuch/x", false, false))
                .isInstanceOfSatisfying(ContainerView.Unresolvable.class, e -> assertThat(e.missing).isTrue());
        assertThat(view.resolve("/up/made/deep/x", false, true).hostPath()).isEqualTo(root.resolve("made/deep/x"));
        assertThat(root.resolve("made/deep")).isDirectory();
    }

    @Test
    void filesAndLoopsAreNotDirectories() {
        assertThatThrownBy(() -> view.resolve("/etc/passwd/x", false, false))
                .isInstanceOfSatisfying(ContainerView.Unresolvable.class, e -> {
                    assertThat(e.missing).isFalse();
                    assertThat(e.getMessage()).isEqualTo("/etc/passwd: not a directory");
                });
        assertThatThrownBy(() -> view.resolve("/loop/x", false, false))
                .hasMessage("/loop: too many levels of symbolic links");
    }
}
