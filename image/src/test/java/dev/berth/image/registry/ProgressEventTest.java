package dev.berth.image.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.oci.runtime.OciJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The events serialize to the JSON messages dockerd streams and the docker CLI renders. */
class ProgressEventTest {

    private static String json(ProgressEvent event) {
        return new String(OciJson.write(event), StandardCharsets.UTF_8);
    }

    @Test
    void shapesMatchDockersJsonMessages() {
        assertThat(json(ProgressEvent.message("latest", "Pulling from library/busybox")))
                .isEqualTo("{\"status\":\"Pulling from library/busybox\",\"id\":\"latest\"}");
        assertThat(json(ProgressEvent.layer("a3ed95caeb02", ProgressEvent.PULLING_FS_LAYER)))
                .isEqualTo("{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"a3ed95caeb02\"}");
        assertThat(json(ProgressEvent.progress("a3ed95caeb02", ProgressEvent.DOWNLOADING, 1024, 4096)))
                .isEqualTo("{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1024,\"total\":4096},"
                        + "\"progress\":\"[============>                                      ]  1.024kB/4.096kB\","
                        + "\"id\":\"a3ed95caeb02\"}");
        assertThat(json(ProgressEvent.message("Digest: sha256:abc")))
                .isEqualTo("{\"status\":\"Digest: sha256:abc\"}");
        assertThat(json(ProgressEvent.downloadedNewer("busybox:latest")))
                .isEqualTo("{\"status\":\"Status: Downloaded newer image for busybox:latest\"}");
        assertThat(json(ProgressEvent.upToDate("busybox:latest")))
                .isEqualTo("{\"status\":\"Status: Image is up to date for busybox:latest\"}");
        assertThat(json(ProgressEvent.pushResult("latest", "sha256:abc", 527)))
                .isEqualTo("{\"progressDetail\":{},\"aux\":{\"Tag\":\"latest\",\"Digest\":\"sha256:abc\",\"Size\":527}}");
    }

    @Test
    void barsAndSizesAsGoUnitsPrintsThem() {
        assertThat(ProgressEvent.bar(4096, 4096))
                .isEqualTo("[==================================================>]  4.096kB/4.096kB");
        assertThat(ProgressEvent.bar(0, 2_151_000)).isEqualTo("[>                                                  ]       0B/2.151MB");
        assertThat(ProgressEvent.humanSize(999)).isEqualTo("999B");
        assertThat(ProgressEvent.humanSize(1000)).isEqualTo("1kB");
        assertThat(ProgressEvent.humanSize(12_300_000)).isEqualTo("12.3MB");
        assertThat(ProgressEvent.humanSize(3_000_000_000L)).isEqualTo("3GB");
    }
}
