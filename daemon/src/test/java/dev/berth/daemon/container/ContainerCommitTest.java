package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** moby's merge of a commit's config overrides with the container's config. */
class ContainerCommitTest {
    private static ContainerConfig config(String user, List<String> env, List<String> cmd, List<String> entrypoint,
            Map<String, String> labels) {
        return new ContainerConfig(null, null, user, null, null, null, null, null, null, null, env, cmd, null, null,
                null, null, null, entrypoint, null, null, labels, null, null, null);
    }

    @Test
    void withoutOverridesTheContainersConfigIsTaken() {
        ContainerConfig container = config("nobody", List.of("A=1"), List.of("sh"), null, null);
        assertThat(ContainerCommit.merge(null, container)).isSameAs(container);
    }

    @Test
    void overridesWinAndTheRestComesFromTheContainer() {
        ContainerConfig container = config("nobody", List.of("A=1", "B=2"), List.of("sh"), null, Map.of("k", "c"));
        ContainerConfig user = config("", List.of("B=3"), null, null, Map.of("j", "u"));
        ContainerConfig merged = ContainerCommit.merge(user, container);
        assertThat(merged.user()).isEqualTo("nobody");
        assertThat(merged.env()).containsExactly("B=3", "A=1");
        assertThat(merged.cmd()).containsExactly("sh"); // no entrypoint and no cmd given: the container's
        assertThat(merged.labels()).containsExactlyInAnyOrderEntriesOf(Map.of("k", "c", "j", "u"));
    }

    @Test
    void anEntrypointGivenReplacesTheCommandToo() {
        ContainerConfig container = config(null, null, List.of("sh"), List.of("/init"), null);
        ContainerConfig merged = ContainerCommit.merge(config(null, null, null, List.of("/other"), null), container);
        assertThat(merged.entrypoint()).containsExactly("/other");
        assertThat(merged.cmd()).isNull();
    }
}
