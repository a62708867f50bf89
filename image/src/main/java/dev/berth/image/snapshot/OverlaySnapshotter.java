package dev.berth.image.snapshot;

import dev.berth.image.ImageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Snapshots stacked with overlayfs: each layer is unpacked once into its own {@code <id>/fs}
 * and shared read-only by every snapshot above it.
 *
 * <ul>
 *   <li>an active snapshot gets an empty upper {@code <id>/fs} and {@code <id>/work}, mounted
 *       as {@code overlay} with {@code lowerdir=} its ancestors, nearest first; without a parent
 *       it is a plain bind mount of its {@code fs}</li>
 *   <li>a view of one layer is a read-only bind mount of that layer; of several, an overlay
 *       without upper layer, which the kernel makes read-only</li>
 *   <li>commit keeps {@code <id>/fs} where it is and drops {@code work}</li>
 *   <li>a snapshot prepared without a parent may be committed onto one ({@link #commitOnto}):
 *       its {@code fs} is an upper layer like any other once it holds overlay whiteouts, so
 *       a pull's layers unpack side by side and are stacked in order as each one below is done</li>
 * </ul>
 *
 * <p>Directories are named by short decimal ids rather than by key, so that a chain of hundreds
 * of layers still fits one mount; {@link Mounter} explains how. Mount options are absolute paths,
 * and the snapshot directory therefore must not contain {@code ,} or {@code :}, which overlayfs
 * uses as separators. Whiteouts are 0/0 character devices and opaque directories carry
 * {@code trusted.overlay.opaque=y}, so layers must be applied in overlay form (the layer
 * package's {@code WhiteoutMode.OVERLAY}), and the daemon must run as root.
 *
 * <p>Options added to every overlay: {@code index=off} (containerd does the same, because a
 * lower layer shared by many overlays must not be tied to one through the inode index), and
 * {@code redirect_dir=off} and {@code metacopy=off}, so that an upper directory always holds
 * whole files and never a rename pointer into a lower layer: that keeps {@code docker diff} and
 * {@code docker commit} able to read a container's changes from its upper layer alone. Each is
 * added only where the running kernel knows the option.
 */
public final class OverlaySnapshotter extends CatalogSnapshotter {
    private static final Path PARAMETERS = Path.of("/sys/module/overlay/parameters");
    private final List<String> overlayOptions;

    private OverlaySnapshotter(SnapshotCatalog catalog, List<String> overlayOptions) {
        super(catalog);
        this.overlayOptions = overlayOptions;
    }

    /** Opens (or creates) the snapshots in {@code dir}, such as {@code /var/lib/berth/snapshots}. */
    public static OverlaySnapshotter open(Path dir) throws ImageException {
        if (!isSupported()) {
            throw new ImageException(ImageException.Kind.UNAVAILABLE,
                    "overlay snapshots in " + dir + ": the kernel has no overlay filesystem");
        }
        String abs = dir.toAbsolutePath().normalize().toString();
        if (abs.contains(",") || abs.contains(":")) {
            throw ImageException.invalid("overlay snapshots in " + dir
                    + ": the path must not contain ',' or ':' (overlayfs option separators)");
        }
        List<String> options = new ArrayList<>();
        for (String option : List.of("index", "redirect_dir", "metacopy")) {
            if (Files.exists(PARAMETERS.resolve(option))) {
                options.add(option + "=off");
            }
        }
        return new OverlaySnapshotter(SnapshotCatalog.open(dir), List.copyOf(options));
    }

    /** Whether this kernel can mount overlayfs at all (it may still refuse an upper filesystem). */
    public static boolean isSupported() {
        try {
            return Files.readAllLines(Path.of("/proc/filesystems")).stream()
                    .anyMatch(l -> l.trim().endsWith("overlay"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An overlay layer's directory holds only its own changes, whatever lies below it. */
    @Override
    public boolean canCommitOnto() {
        return true;
    }

    @Override
    public void commitOnto(String name, String key, String parent, Map<String, String> labels) throws ImageException {
        if (parent == null) {
            throw ImageException.invalid("snapshot " + key + ": commit onto needs a parent");
        }
        commit(name, key, parent, labels);
    }

    @Override
    void populate(Path dir, SnapshotKind kind, List<SnapshotCatalog.Entry> chain) throws IOException {
        if (kind == SnapshotKind.ACTIVE && !chain.isEmpty()) {
            Files.createDirectory(dir.resolve("work"));
        }
    }

    @Override
    void committed(Path dir) {
        SnapshotCatalog.deleteQuietly(dir.resolve("work"));
    }

    @Override
    List<Mount> mountsOf(SnapshotCatalog.Entry e, List<SnapshotCatalog.Entry> chain) {
        Path own = catalog.pathOf(e);
        if (e.kind() == SnapshotKind.ACTIVE) {
            if (chain.isEmpty()) {
                return List.of(Mount.bind(own.resolve("fs").toString(), false));
            }
            List<String> options = new ArrayList<>(overlayOptions);
            options.add("workdir=" + own.resolve("work"));
            options.add("upperdir=" + own.resolve("fs"));
            options.add(lowerdir(chain));
            return List.of(new Mount("overlay", "overlay", options));
        }
        if (chain.isEmpty()) {
            return List.of(Mount.bind(own.resolve("fs").toString(), true));
        }
        if (chain.size() == 1) {
            return List.of(Mount.bind(fs(chain.getFirst()).toString(), true));
        }
        List<String> options = new ArrayList<>(overlayOptions);
        options.add(lowerdir(chain));
        return List.of(new Mount("overlay", "overlay", options));
    }

    private String lowerdir(List<SnapshotCatalog.Entry> chain) {
        StringBuilder b = new StringBuilder("lowerdir=");
        for (int i = 0; i < chain.size(); i++) {
            if (i > 0) {
                b.append(':');
            }
            b.append(fs(chain.get(i)));
        }
        return b.toString();
    }
}
