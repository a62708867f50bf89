package dev.berth.image.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.berth.image.ImageException;
import dev.berth.image.snapshot.Scratch;
import dev.berth.linux.testing.RequiresRoot;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malicious layers: every case is either refused, naming the entry, or contained, landing
 * inside the root; in no case does anything outside the root change. "outside" is a sibling of
 * the root holding one file, {@code secret}, which must keep its content, its single link and its
 * directory's listing.
 */
@RequiresRoot
class LayerContainmentTest {
    private Scratch scratch;
    private Path root;
    private Path outside;

    /**
     * {@code layers} are applied in order; {@code error} (a pattern where {@code *} matches
     * anything) is the message the last one fails with, or null if it must succeed, contained.
     */
    record Case(String title, Layers layers, String error, Check contained) {
        @Override
        public String toString() {
            return title;
        }
    }

    @FunctionalInterface
    interface Layers {
        List<byte[]> build(Path outside) throws Exception;
    }

    @FunctionalInterface
    interface Check {
        void verify(Path root, Path outside, WhiteoutMode mode) throws Exception;
    }

    @BeforeEach
    void setUp() throws Exception {
        scratch = Scratch.create("berth-contain-");
        root = scratch.dir("root");
        outside = scratch.dir("outside");
        Files.writeString(outside.resolve("secret"), "secret");
    }

    @AfterEach
    void tearDown() throws Exception {
        scratch.close();
    }

    static Stream<Case> cases() {
        return Stream.of(
                refused("../x", one(t -> t.file("../x", "pwned")), "layer entry ../x: escapes the layer root"),
                refused("../../etc/passwd", one(t -> t.file("../../etc/passwd", "root::0:0::/:/bin/sh")),
                        "layer entry ../../etc/passwd: escapes the layer root"),
                refused("a/../../x", one(t -> t.dir("a").file("a/../../x", "pwned")),
                        "layer entry a/../../x: escapes the layer root"),
                refused("directory ..", one(t -> t.dir("..")), "layer entry ../: escapes the layer root"),
                refused("device ../null", one(t -> t.device("../null", TarConstants.LF_CHR, 0666, 1, 3)),
                        "layer entry ../null: escapes the layer root"),
                refused("symlink named ../l", one(t -> t.symlink("../l", "/")), "layer entry ../l: escapes the layer root"),
                contained("/abs", one(t -> t.file("/abs", "in")), (r, o, m) -> assertThat(r.resolve("abs")).hasContent("in")),
                contained("./a/./../b", one(t -> t.file("./a/./../b", "in")),
                        (r, o, m) -> assertThat(r.resolve("b")).hasContent("in")),
                contained("symlink l -> outside, then l/pwned", o -> List.of(new TarBuilder()
                        .symlink("l", o.toString()).file("l/pwned", "in").tar()),
                        (r, o, m) -> assertThat(r.resolve(rel(o)).resolve("pwned")).hasContent("in")),
                contained("symlink l -> /etc, then l/passwd", one(t -> t.symlink("l", "/etc").file("l/passwd", "x")),
                        (r, o, m) -> assertThat(r.resolve("etc/passwd")).hasContent("x")),
                contained("relative symlink climbing past the root", o -> List.of(new TarBuilder()
                        .symlink("up", "../../../../../../../../..").file("up/x", "in").tar()),
                        (r, o, m) -> assertThat(r.resolve("x")).hasContent("in")),
                contained("symlink chain escaping", o -> List.of(new TarBuilder()
                        .dir("a")
                        .symlink("a/b", "../c")
                        .symlink("c", "d/../../..")
                        .symlink("e", "a/b")
                        .file("e/" + rel(o) + "/pwned", "in").tar()),
                        (r, o, m) -> assertThat(r.resolve(rel(o)).resolve("pwned")).hasContent("in")),
                refused("symlink loop", one(t -> t.symlink("l1", "l2").symlink("l2", "l1").file("l1/x", "x")),
                        "layer entry l1/x: too many levels of symbolic links"),
                contained("symlink from an earlier layer", o -> List.of(
                        new TarBuilder().symlink("lib", o.toString()).tar(),
                        new TarBuilder().file("lib/secret", "overwritten?").tar()),
                        (r, o, m) -> assertThat(r.resolve(rel(o)).resolve("secret")).hasContent("overwritten?")),
                refused("hard link to ../outside/secret", one(t -> t.hardlink("h", "../outside/secret")),
                        "layer entry h: hard link to ../outside/secret escapes the layer root"),
                refused("hard link to an absolute outside path", o -> List.of(new TarBuilder()
                        .hardlink("h", o.resolve("secret").toString()).tar()),
                        "layer entry h: hard link to /*/secret: *: no such directory in the layer"),
                refused("hard link via a symlink", o -> List.of(new TarBuilder()
                        .symlink("l", o.toString()).hardlink("h", "l/secret").tar()),
                        "layer entry h: hard link to l/secret: *: no such directory in the layer"),
                contained("hard link to a symlink links the symlink", o -> List.of(new TarBuilder()
                        .symlink("l", o.resolve("secret").toString()).hardlink("h", "l").tar()),
                        (r, o, m) -> assertThat(Files.isSymbolicLink(r.resolve("h"))).isTrue()),
                contained("a file over a symlink replaces the symlink", o -> List.of(new TarBuilder()
                        .symlink("f", o.resolve("secret").toString()).file("f", "in").tar()),
                        (r, o, m) -> assertThat(r.resolve("f")).isRegularFile().hasContent("in")),
                contained("a directory over a symlink replaces the symlink", o -> List.of(new TarBuilder()
                        .symlink("d", o.toString()).dir("d", 0700, e -> {}).file("d/x", "in").tar()),
                        (r, o, m) -> assertThat(r.resolve("d/x")).hasContent("in")),
                contained("whiteout through a symlink", o -> List.of(
                        new TarBuilder().symlink("l", o.toString()).tar(),
                        new TarBuilder().whiteout("l", "secret").tar()),
                        (r, o, m) -> {}),
                contained("opaque marker through a symlink", o -> List.of(
                        new TarBuilder().symlink("l", o.toString()).tar(),
                        new TarBuilder().opaque("l").tar()),
                        (r, o, m) -> assertThat(r.resolve(rel(o))).isDirectory()),
                contained("whiteout of a symlink deletes the link only", o -> List.of(
                        new TarBuilder().symlink("l", o.toString()).tar(),
                        new TarBuilder().whiteout("", "l").tar()),
                        (r, o, m) -> {
                            // two layers in one directory: REMOVE deletes the link, OVERLAY whites it out
                            if (m == WhiteoutMode.REMOVE) {
                                assertThat(r.resolve("l")).doesNotExist();
                            } else {
                                LayerApplierTest.assertDevice(r.resolve("l"), dev.berth.linux.FileNodes.S_IFCHR, 0, 0, 0);
                            }
                        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void neverWritesOutsideTheRoot(Case c) throws Exception {
        for (WhiteoutMode mode : WhiteoutMode.values()) {
            Path target = scratch.dir("root-" + mode);
            List<byte[]> layers = c.layers().build(outside);
            LayerApplier applier = new LayerApplier(mode);
            for (int i = 0; i < layers.size() - 1; i++) {
                applier.apply(new ByteArrayInputStream(layers.get(i)), target);
            }
            byte[] last = layers.getLast();
            if (c.error() != null) {
                assertThatThrownBy(() -> applier.apply(new ByteArrayInputStream(last), target))
                        .isInstanceOf(ImageException.class)
                        .hasMessageMatching(glob(c.error()))
                        .satisfies(e -> assertThat(((ImageException) e).kind())
                                .isEqualTo(ImageException.Kind.INVALID_ARGUMENT));
            } else {
                applier.apply(new ByteArrayInputStream(last), target);
                c.contained().verify(target, outside, mode);
            }
            assertOutsideUntouched();
        }
    }

    private void assertOutsideUntouched() throws Exception {
        assertThat(LayerApplierTest.names(outside)).containsExactly("secret");
        assertThat(outside.resolve("secret")).hasContent("secret");
        assertThat(Files.getAttribute(outside.resolve("secret"), "unix:nlink", LinkOption.NOFOLLOW_LINKS)).isEqualTo(1);
        assertThat(LayerApplierTest.names(scratch.root())).allMatch(n -> n.startsWith("root") || n.equals("outside"));
    }

    private static Case refused(String title, Layers layers, String error) {
        return new Case(title, layers, error, null);
    }

    private static Case contained(String title, Layers layers, Check check) {
        return new Case(title, layers, null, check);
    }

    @FunctionalInterface
    interface TarSteps {
        TarBuilder apply(TarBuilder t) throws Exception;
    }

    private static Layers one(TarSteps steps) {
        return o -> List.of(steps.apply(new TarBuilder()).tar());
    }

    /** The outside directory's absolute path without its leading slash: where it lands inside a root. */
    private static String rel(Path outside) {
        return outside.toString().substring(1);
    }

    /** {@code *} matches anything; the rest literally. */
    private static String glob(String pattern) {
        StringBuilder b = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!b.isEmpty()) {
                b.append(".*");
            }
            b.append(java.util.regex.Pattern.quote(part));
        }
        return b.toString();
    }
}
