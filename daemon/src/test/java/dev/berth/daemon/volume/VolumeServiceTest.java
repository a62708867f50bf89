package dev.berth.daemon.volume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.api.volume.VolumeBackend;
import dev.berth.daemon.container.MountPoint;
import dev.berth.daemon.events.Event;
import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The volume service on a temporary data root: names, in-use refusal, anonymous volumes, prune, restart. */
class VolumeServiceTest {
    @TempDir
    Path root;

    private EventBus events;
    private VolumeService volumes;

    @BeforeEach
    void open() throws IOException {
        events = new EventBus();
        volumes = reopen();
    }

    private VolumeService reopen() throws IOException {
        return VolumeService.open(root, events, id -> {
            if (!Files.isDirectory(root.resolve("containers").resolve(id))) {
                throw ApiException.notFound("No such container: " + id);
            }
            return id;
        });
    }

    private static MountPoint volume(String name, String destination) {
        return new MountPoint(destination, "volume", name, true, null, false, "", null, false, "", false);
    }

    private static MountPoint bind(String source, String destination) {
        return new MountPoint(destination, "bind", source, true, "rprivate", false, "", null, true, "", false);
    }

    @Test
    void aVolumeIsAnAtomicallyWrittenRecordBesideItsData() throws IOException {
        volumes.create(new VolumeBackend.CreateRequest("db", null, null, Map.of("a", "b")));
        Path dir = root.resolve("volumes/db");
        assertThat(dir.resolve("_data")).isDirectory();
        assertThat(Files.readString(dir.resolve("volume.json"))).contains("\"Name\":\"db\"").contains("\"a\":\"b\"");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("volume.json", "_data");
        }
        // a second create of the name answers with the first volume
        assertThat(volumes.create(new VolumeBackend.CreateRequest("db", "local", null, null)).labels())
                .containsEntry("a", "b");
        assertThat(reopen().inspect("db").labels()).containsEntry("a", "b");
    }

    @Test
    void aDirectoryWithoutARecordIsWhatACrashLeftAndIsSwept() throws IOException {
        Files.createDirectories(root.resolve("volumes/half/_data"));
        assertThat(reopen().list(Filters.none())).isEmpty();
        assertThat(root.resolve("volumes/half")).doesNotExist();
    }

    @Test
    void namesAndDriversAreCheckedInDockerdsWords() {
        assertThatThrownBy(() -> volumes.create(new VolumeBackend.CreateRequest("a", null, null, null)))
                .hasMessage("create a: volume name is too short, names should be at least two alphanumeric characters");
        assertThatThrownBy(() -> volumes.create(new VolumeBackend.CreateRequest("../etc", null, null, null)))
                .hasMessageStartingWith("create ../etc: \"../etc\" includes invalid characters for a local volume name");
        assertThatThrownBy(() -> volumes.create(new VolumeBackend.CreateRequest("ok", "flocker", null, null)))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND))
                .hasMessage("create ok: error looking up volume plugin flocker: plugin \"flocker\" not found");
        assertThatThrownBy(() -> volumes.create(new VolumeBackend.CreateRequest("ok", null, Map.of("flavour", "1"), null)))
                .hasMessage("create ok: invalid option key: \"flavour\"");
        // size asks for a project quota, which moby's local driver refuses without quota support
        assertThatThrownBy(() -> volumes.create(new VolumeBackend.CreateRequest("ok", null, Map.of("size", "1"), null)))
                .hasMessage("create ok: quota size requested but no quota support");
        assertThat(root.resolve("volumes").toFile().list()).isEmpty();
        assertThat(volumes.create(new VolumeBackend.CreateRequest(null, null, null, null)).name()).matches("[0-9a-f]{64}");
    }

    @Test
    void aVolumeInUseIsNotRemovedEvenWithForce() throws IOException {
        Files.createDirectories(root.resolve("containers/c1"));
        List<MountPoint> attached = volumes.forContainers().attach("c1", List.of(volume("shared", "/data"), volume(null, "/anon"),
                bind("/srv", "/srv")), null, null);
        String anonymous = attached.get(1).source();
        assertThat(anonymous).matches("[0-9a-f]{64}");
        assertThat(volumes.inspect(anonymous).labels()).containsKey(Volume.ANONYMOUS_LABEL);

        assertThatThrownBy(() -> volumes.remove("shared", true))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.CONFLICT))
                .hasMessage("remove shared: volume is in use - [c1]");
        // the binding is on disk: a restarted daemon refuses too, and gives the container the same volumes
        VolumeService again = reopen();
        assertThatThrownBy(() -> again.remove(anonymous, false)).hasMessageContaining("volume is in use");
        assertThat(again.forContainers().attach("c1", List.of(volume(null, "/anon")), null, null)).isEqualTo(attached);
        assertThat(again.list(Filters.of(Map.of("dangling", Set.of("true"))))).isEmpty();

        again.forContainers().detach("c1", true); // rm -v: the anonymous volume goes, the named one stays
        assertThat(again.list(Filters.none())).extracting(v -> v.name()).containsExactly("shared");
        again.remove("shared", false);
        assertThat(root.resolve("volumes/shared")).doesNotExist();
    }

    @Test
    void aFailedAttachLeavesNoVolumeBehind() throws IOException {
        Files.createDirectories(root.resolve("containers/c1"));
        assertThatThrownBy(() -> volumes.forContainers().attach("c1", List.of(volume("good", "/a"), volume("b", "/b")), null, null))
                .hasMessageContaining("volume name is too short");
        assertThat(volumes.list(Filters.none())).isEmpty();
        assertThat(root.resolve("containers/c1/mounts.json")).doesNotExist();
    }

    @Test
    void volumesFromCopiesMountPointsReadOnlyIfAsked() throws IOException {
        Files.createDirectories(root.resolve("containers/src"));
        Files.createDirectories(root.resolve("containers/dst"));
        List<MountPoint> source = volumes.forContainers().attach("src", List.of(volume("vf", "/data"), bind("/srv", "/srv")), null, null);
        // the inherited /data wins over the image's anonymous /data; the container's own /srv over the inherited one
        List<MountPoint> got = volumes.forContainers().attach("dst", List.of(volume(null, "/data"), bind("/other", "/srv")),
                List.of("src:ro"), null);
        assertThat(got).containsExactlyInAnyOrder(bind("/other", "/srv"), source.getFirst().withWritable(false));
        assertThat(volumes.list(Filters.none())).hasSize(1);
        assertThatThrownBy(() -> volumes.forContainers().attach("x", List.of(), List.of("src:rshared"), null))
                .hasMessage("invalid mode for volumes-from: rshared");
        assertThatThrownBy(() -> volumes.forContainers().attach("x", List.of(), List.of("nosuch"), null))
                .hasMessage("No such container: nosuch");
    }

    @Test
    void pruneTakesUnusedAnonymousVolumesAndNamedOnesOnlyWithAll() throws IOException {
        Files.createDirectories(root.resolve("containers/c1"));
        String anonymous = volumes.forContainers().attach("c1", List.of(volume(null, "/a")), null, null).getFirst().source();
        Files.writeString(root.resolve("volumes").resolve(anonymous).resolve("_data/f"), "1234");
        volumes.forContainers().detach("c1", false); // docker rm without -v
        volumes.create(new VolumeBackend.CreateRequest("named", null, null, Map.of("keep", "yes")));
        volumes.create(new VolumeBackend.CreateRequest("other", null, null, null));

        VolumeBackend.PruneReport report = volumes.prune(Filters.none(), false);
        assertThat(report.volumesDeleted()).containsExactly(anonymous);
        assertThat(report.spaceReclaimed()).isEqualTo(4);
        assertThat(volumes.prune(Filters.of(Map.of("label!", Set.of("keep")))
                , true).volumesDeleted()).containsExactly("other");
        assertThat(volumes.list(Filters.none())).extracting(v -> v.name()).containsExactly("named");
        try (var seen = events.subscribe(Instant.EPOCH, Instant.now().plusSeconds(1), e -> true)) {
            assertThat(seen.backlog().stream().map(Event::action).toList()).contains("create", "destroy", "prune");
        }
    }
}
