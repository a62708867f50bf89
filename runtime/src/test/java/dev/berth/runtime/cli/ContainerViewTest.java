package dev.berth.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerViewTest {
    private static final ContainerView PLAIN = new ContainerView("1.2.1", "c1", 42, "running", "/b", "/b/rootfs",
            "2026-12-02T05:00:00Z", Map.of(), "");

    @Test
    void stateIsPrintedAsRuncPrintsIt() {
        assertThat(PLAIN.toPrettyJson()).isEqualTo("""
                {
                  "ociVersion": "1.2.1",
                  "id": "c1",
                  "pid": 42,
                  "status": "running",
                  "bundle": "/b",
                  "rootfs": "/b/rootfs",
                  "created": "2026-12-02T05:00:00Z",
                  "owner": ""
                }""");
    }

    @Test
    void annotationsAppearOnlyWhenThereAreSome() {
        ContainerView annotated = new ContainerView("1.2.1", "c2", 0, "stopped", "/b", "/b/rootfs", "t",
                Map.of("k", "v \"q\""), "root");
        assertThat(annotated.toPrettyJson()).contains("""
                  "created": "t",
                  "annotations": {
                    "k": "v \\"q\\""
                  },
                  "owner": "root"
                }""");
        assertThat(ContainerView.toJson(List.of(PLAIN, annotated))).isEqualTo("""
                [{"ociVersion":"1.2.1","id":"c1","pid":42,"status":"running","bundle":"/b","rootfs":"/b/rootfs",\
                "created":"2026-12-02T05:00:00Z","owner":""},{"ociVersion":"1.2.1","id":"c2","pid":0,\
                "status":"stopped","bundle":"/b","rootfs":"/b/rootfs","created":"t","annotations":{"k":"v \\"q\\""},\
                "owner":"root"}]""");
        assertThat(ContainerView.toJson(List.of())).isEqualTo("[]");
    }
}
