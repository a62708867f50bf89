package dev.berth.daemon.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.api.image.DeleteItem;
import dev.berth.daemon.api.image.HistoryItem;
import dev.berth.daemon.api.image.ImageInspect;
import dev.berth.daemon.api.image.ImportRequest;
import dev.berth.daemon.events.Event;
import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.events.Subscription;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image service over real stores in a temporary data root; no daemon, no root. */
class ImageServiceTest {
    @TempDir
    Path dataRoot;

    private final EventBus events = new EventBus();
    private Subscription seen;
    private ImageService images;

    @BeforeEach
    void open() throws Exception {
        images = ImageService.open(dataRoot, events);
        seen = events.subscribe(Instant.now(), null, e -> true);
    }

    @AfterEach
    void close() {
        seen.close();
        events.close();
    }

    static byte[] tar(String name, String content) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
            byte[] data = content.getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry e = new TarArchiveEntry(name);
            e.setSize(data.length);
            tar.putArchiveEntry(e);
            tar.write(data);
            tar.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    private String importAs(String repo, String tag, List<String> changes) throws Exception {
        return images.importTarball(new ByteArrayInputStream(tar("etc/hostname", "berth\n")),
                new ImportRequest(repo, tag, "", changes, ""));
    }

    private List<String> actions() throws InterruptedException {
        List<String> out = new java.util.ArrayList<>();
        Event e;
        while ((e = seen.next(java.time.Duration.ofMillis(50))) != null) {
            out.add(e.action() + " " + e.attributes().get("name"));
        }
        return out;
    }

    @Test
    void importInspectHistoryAndEvents() throws Exception {
        String id = importAs("app", "v1", List.of("CMD [\"sh\"]", "ENV A=1 B=\"two words\"", "WORKDIR /srv"));
        ImageInspect inspect = images.inspect("app:v1");
        assertThat(inspect.id()).isEqualTo(id);
        assertThat(inspect.repoTags()).containsExactly("app:v1");
        assertThat(inspect.rootFS().layers()).hasSize(1);
        assertThat(inspect.comment()).isEqualTo("Imported from -");
        assertThat(inspect.architecture()).isNotEmpty();
        assertThat(inspect.metadata().lastTagTime()).isNotNull();
        assertThat(dev.berth.daemon.http.Json.MAPPER.writeValueAsString(inspect.config()))
                .contains("\"Cmd\":[\"sh\"]").contains("\"Env\":[\"A=1\",\"B=two words\"]")
                .contains("\"WorkingDir\":\"/srv\"");
        List<HistoryItem> history = images.history(id);
        assertThat(history).hasSize(1);
        assertThat(history.getFirst().id()).isEqualTo(id);
        assertThat(history.getFirst().tags()).containsExactly("app:v1");
        assertThat(actions()).containsExactly("tag app:v1", "import " + id);
        assertThat(images.count()).isEqualTo(1);
        assertThat(images.usage(true).totalSize()).isEqualTo(inspect.size()).isPositive();
    }

    @Test
    void tagDeleteAndTheirEvents() throws Exception {
        String id = importAs("app", "", List.of());
        images.tag("app", "app", "v2");
        assertThat(images.list(Filters.none(), false).getFirst().repoTags()).containsExactly("app:latest", "app:v2");
        assertThat(images.delete("app:v2", false, false)).containsExactly(DeleteItem.untagged("app:v2"));
        assertThat(images.delete("app", false, false))
                .containsExactly(DeleteItem.untagged("app:latest"), DeleteItem.deleted(id));
        assertThat(images.list(Filters.none(), false)).isEmpty();
        assertThat(actions()).containsExactly("tag app:latest", "import " + id, "tag app:v2", "untag app:v2",
                "untag app:latest", "delete " + id);
    }

    @Test
    void errorsKeepDockersWordsAndKind() {
        assertThatThrownBy(() -> images.inspect("nope")).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND);
            assertThat(e.getMessage()).isEqualTo("No such image: nope:latest");
        });
        assertThatThrownBy(() -> images.importTarball(new ByteArrayInputStream(new byte[0]),
                new ImportRequest("", "", "", List.of(), ""))).isInstanceOfSatisfying(ApiException.class,
                        e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        assertThatThrownBy(() -> ImportChanges.apply(List.of("RUN rm -rf /"))).isInstanceOfSatisfying(
                ApiException.class, e -> assertThat(e.getMessage()).isEqualTo("run is not a valid change command"));
    }

    @Test
    void saveThenLoadKeepsTheId() throws Exception {
        String id = importAs("saved", "1", List.of());
        ByteArrayOutputStream archive = new ByteArrayOutputStream();
        images.checkSavable(List.of("saved:1"));
        images.save(List.of("saved:1"), archive);
        images.delete("saved:1", false, false);
        assertThat(images.load(new ByteArrayInputStream(archive.toByteArray())))
                .containsExactly("Loaded image: saved:1");
        assertThat(images.inspect("saved:1").id()).isEqualTo(id);
        assertThat(actions()).contains("save " + id, "load saved:1");
    }

    @Test
    void pruneRemovesDanglingImages() throws Exception {
        String id = importAs("", "", List.of());
        var report = images.prune(Filters.of(Map.of()));
        assertThat(report.imagesDeleted()).containsExactly(DeleteItem.deleted(id));
        assertThat(report.spaceReclaimed()).isPositive();
        assertThat(images.prune(Filters.none()).imagesDeleted()).isNull();
    }

    @Test
    void loginHostIsTheRegistryOfTheServerAddress() {
        assertThat(ImageService.loginHost(null)).isEqualTo("docker.io");
        assertThat(ImageService.loginHost("https://index.docker.io/v1/")).isEqualTo("docker.io");
        assertThat(ImageService.loginHost("localhost:5000")).isEqualTo("localhost:5000");
        assertThat(ImageService.loginHost("http://127.0.0.1:5000/")).isEqualTo("127.0.0.1:5000");
    }

    @Test
    void pullAndPushFailBeforeStreamingOnBadNames() {
        List<Object> sent = new java.util.ArrayList<>();
        assertThatThrownBy(() -> images.pull("Not Valid", "", null, sent::add))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
        assertThatThrownBy(() -> images.push("127.0.0.1:1/absent", "v1", null, sent::add))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessage("An image does not exist locally with the tag: 127.0.0.1:1/absent");
        assertThatThrownBy(() -> images.pull("busybox", "linux", null, sent::add))
                .isInstanceOf(ApiException.class).hasMessageContaining("invalid platform");
        assertThat(sent).isEmpty();
    }
}
