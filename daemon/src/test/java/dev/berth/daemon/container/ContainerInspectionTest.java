package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerInspectionTest {
    private static Map<String, Object> mount(String type, String destination) {
        return Map.of("Type", type, "Destination", destination);
    }

    @Test
    void aTmpfsFlagIsNotListedInMountsButAMountOfTypeTmpfsIs() {
        HostConfig hc = CreateRequestTest.parse("""
                {"Image":"busybox","HostConfig":{"Tmpfs":{"/scratch/":"size=1m"},
                 "Mounts":[{"Type":"tmpfs","Target":"/t"}]}}""").hostConfig();
        List<Map<String, Object>> recorded = List.of(mount("tmpfs", "/scratch"), mount("tmpfs", "/t"),
                mount("volume", "/data"));

        assertThat(ContainerInspection.listedMounts(recorded, hc))
                .containsExactly(mount("tmpfs", "/t"), mount("volume", "/data"));
    }

    @Test
    void withoutTmpfsFlagsEveryMountIsListed() {
        HostConfig hc = CreateRequestTest.parse("{\"Image\":\"busybox\"}").hostConfig();
        List<Map<String, Object>> recorded = List.of(mount("tmpfs", "/t"), mount("bind", "/b"));

        assertThat(ContainerInspection.listedMounts(recorded, hc)).isEqualTo(recorded);
    }
}
