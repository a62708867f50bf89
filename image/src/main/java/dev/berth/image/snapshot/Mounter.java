package dev.berth.image.snapshot;

import dev.berth.image.ImageException;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.MountInfo;
import dev.berth.linux.Mounts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Mounts {@link Mount} lists on a target and takes them down again, in the daemon's own mount
 * namespace.
 *
 * <p><b>Long overlay option strings.</b> mount(2) copies one page (4096 bytes) of option data.
 * With absolute paths an image of ~100 layers already overflows it. Snapshots keep their
 * {@code Mount} options absolute (so that a {@code Mount} means the same thing anywhere), and
 * this class compacts them only when mounting, the way containerd does: all lower directories
 * of a snapshotter share one parent ({@code …/snapshots/}), so the mount is made with
 * {@code lowerdir=41/fs:40/fs:…} from a thread whose private working directory is that parent
 * ({@link Mounts#mountFrom}). Snapshot ids are short decimal numbers, so each layer costs about
 * six bytes and overlayfs's own limit of 500 layers comes first. A symlink farm of short names
 * (Docker's {@code l/}) would also work but adds a second set of names to keep consistent;
 * {@code fsconfig(2)}'s {@code lowerdir+} has no page limit but needs Linux 6.8 and cannot be
 * expressed as an OCI spec mount.
 */
public final class Mounter {
    private static final long PROPAGATION = Mounts.MS_SHARED | Mounts.MS_PRIVATE | Mounts.MS_SLAVE
            | Mounts.MS_UNBINDABLE;

    /** mount(8) flag options: {@code name -> {clear?, flag}}, as containerd parses them. */
    private static final Map<String, Flag> FLAGS = Map.ofEntries(
            Map.entry("async", new Flag(true, Mounts.MS_SYNCHRONOUS)),
            Map.entry("atime", new Flag(true, Mounts.MS_NOATIME)),
            Map.entry("bind", new Flag(false, Mounts.MS_BIND)),
            Map.entry("defaults", new Flag(false, 0)),
            Map.entry("dev", new Flag(true, Mounts.MS_NODEV)),
            Map.entry("diratime", new Flag(true, Mounts.MS_NODIRATIME)),
            Map.entry("dirsync", new Flag(false, Mounts.MS_DIRSYNC)),
            Map.entry("exec", new Flag(true, Mounts.MS_NOEXEC)),
            Map.entry("mand", new Flag(false, Mounts.MS_MANDLOCK)),
            Map.entry("noatime", new Flag(false, Mounts.MS_NOATIME)),
            Map.entry("nodev", new Flag(false, Mounts.MS_NODEV)),
            Map.entry("nodiratime", new Flag(false, Mounts.MS_NODIRATIME)),
            Map.entry("noexec", new Flag(false, Mounts.MS_NOEXEC)),
            Map.entry("nomand", new Flag(true, Mounts.MS_MANDLOCK)),
            Map.entry("norelatime", new Flag(true, Mounts.MS_RELATIME)),
            Map.entry("nostrictatime", new Flag(true, Mounts.MS_STRICTATIME)),
            Map.entry("nosuid", new Flag(false, Mounts.MS_NOSUID)),
            Map.entry("nosymfollow", new Flag(false, Mounts.MS_NOSYMFOLLOW)),
            Map.entry("rbind", new Flag(false, Mounts.MS_BIND | Mounts.MS_REC)),
            Map.entry("relatime", new Flag(false, Mounts.MS_RELATIME)),
            Map.entry("remount", new Flag(false, Mounts.MS_REMOUNT)),
            Map.entry("ro", new Flag(false, Mounts.MS_RDONLY)),
            Map.entry("rw", new Flag(true, Mounts.MS_RDONLY)),
            Map.entry("strictatime", new Flag(false, Mounts.MS_STRICTATIME)),
            Map.entry("suid", new Flag(true, Mounts.MS_NOSUID)),
            Map.entry("sync", new Flag(false, Mounts.MS_SYNCHRONOUS)),
            Map.entry("private", new Flag(false, Mounts.MS_PRIVATE)),
            Map.entry("rprivate", new Flag(false, Mounts.MS_PRIVATE | Mounts.MS_REC)),
            Map.entry("shared", new Flag(false, Mounts.MS_SHARED)),
            Map.entry("rshared", new Flag(false, Mounts.MS_SHARED | Mounts.MS_REC)),
            Map.entry("slave", new Flag(false, Mounts.MS_SLAVE)),
            Map.entry("rslave", new Flag(false, Mounts.MS_SLAVE | Mounts.MS_REC)),
            Map.entry("unbindable", new Flag(false, Mounts.MS_UNBINDABLE)),
            Map.entry("runbindable", new Flag(false, Mounts.MS_UNBINDABLE | Mounts.MS_REC)));

    private record Flag(boolean clear, long bits) {}

    /** Flags and filesystem data of one mount, split the way mount(2) wants them. */
    record Parsed(long flags, String data) {}

    private Mounter() {}

    /** Mounts each of {@code mounts} on {@code target}, in order (later ones stack on earlier ones). */
    public static void mountAll(List<Mount> mounts, Path target) throws ImageException {
        List<Mount> done = new ArrayList<>();
        try {
            for (Mount m : mounts) {
                mount(m, target);
                done.add(m);
            }
        } catch (ImageException e) {
            for (int i = 0; i < done.size(); i++) {
                try {
                    Mounts.unmount(target, Mounts.MNT_DETACH);
                } catch (ErrnoException ignored) {
                    // best effort: the first error is the one to report
                }
            }
            throw e;
        }
    }

    /** Mounts one {@link Mount} on {@code target}. */
    public static void mount(Mount m, Path target) throws ImageException {
        Parsed p = parse(m);
        long flags = p.flags();
        long main = flags & ~(PROPAGATION);
        try {
            if ((main & Mounts.MS_REMOUNT) == 0 || !p.data().isEmpty()) {
                String data = p.data().isEmpty() ? null : p.data();
                if (m.type().equals("overlay") && data != null && data.length() > Mounts.MAX_DATA_LENGTH) {
                    Compacted c = compact(m.options(), p.data());
                    Mounts.mountFrom(c.dir(), m.source(), target, m.type(), main, c.data());
                } else {
                    Mounts.mount(m.source(), target, m.type().equals("bind") ? null : m.type(), main, data);
                }
            }
            if ((flags & PROPAGATION) != 0) {
                Mounts.mount(null, target, null, flags & (PROPAGATION | Mounts.MS_REC | Mounts.MS_SILENT), null);
            }
            if ((main & Mounts.MS_BIND) != 0 && (main & Mounts.MS_RDONLY) != 0) {
                // a bind mount ignores MS_RDONLY until it is remounted (mount(2), "MS_BIND")
                Mounts.mount(null, target, null, main | Mounts.MS_REMOUNT, null);
            }
        } catch (ErrnoException e) {
            throw new ImageException(ImageException.Kind.INTERNAL, e.getMessage(), e);
        }
    }

    /** Unmounts everything stacked on {@code target}; a path with nothing mounted is fine. */
    public static void unmountAll(Path target) throws ImageException {
        for (int i = 0; i < 64 && MountInfo.isMountPoint(target); i++) {
            unmount(target);
        }
    }

    /** Unmounts the top mount on {@code target}, retrying briefly while it is busy. */
    public static void unmount(Path target) throws ImageException {
        for (int attempt = 0; ; attempt++) {
            try {
                Mounts.unmount(target, 0);
                return;
            } catch (ErrnoException e) {
                if (e.errno() != ErrnoException.EBUSY || attempt >= 50) {
                    throw new ImageException(ImageException.Kind.INTERNAL, e.getMessage(), e);
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ImageException(ImageException.Kind.INTERNAL, "umount " + target + ": interrupted");
            }
        }
    }

    static Parsed parse(Mount m) {
        long flags = 0;
        List<String> data = new ArrayList<>();
        for (String o : m.options()) {
            Flag f = FLAGS.get(o);
            if (f == null) {
                data.add(o);
            } else if (f.clear()) {
                flags &= ~f.bits();
            } else {
                flags |= f.bits();
            }
        }
        if (m.type().equals("bind")) {
            flags |= Mounts.MS_BIND;
        }
        return new Parsed(flags, String.join(",", data));
    }

    record Compacted(Path dir, String data) {}

    /**
     * Rewrites {@code lowerdir=/a/b/1/fs:/a/b/2/fs} as {@code lowerdir=1/fs:2/fs} relative to
     * their common parent {@code /a/b}; {@code upperdir} and {@code workdir} stay absolute.
     */
    static Compacted compact(List<String> options, String data) throws ImageException {
        String lower = null;
        for (String o : options) {
            if (o.startsWith("lowerdir=")) {
                lower = o.substring("lowerdir=".length());
            }
        }
        if (lower == null) {
            throw new ImageException(ImageException.Kind.INVALID_ARGUMENT,
                    "overlay mount options are " + data.length() + " bytes, more than mount(2) accepts");
        }
        String[] dirs = lower.split(":");
        Path common = Path.of(dirs[0]).getParent();
        for (String d : dirs) {
            Path p = Path.of(d);
            while (common != null && !p.startsWith(common)) {
                common = common.getParent();
            }
        }
        if (common == null) {
            common = Path.of("/");
        }
        List<String> relative = new ArrayList<>();
        for (String d : dirs) {
            relative.add(common.relativize(Path.of(d)).toString());
        }
        List<String> rewritten = new ArrayList<>();
        for (String o : options) {
            if (o.startsWith("lowerdir=")) {
                rewritten.add("lowerdir=" + String.join(":", relative));
            } else if (!FLAGS.containsKey(o)) {
                rewritten.add(o);
            }
        }
        String compacted = String.join(",", rewritten);
        if (compacted.length() > Mounts.MAX_DATA_LENGTH) {
            throw new ImageException(ImageException.Kind.INVALID_ARGUMENT, "overlay of " + dirs.length
                    + " layers does not fit in one mount: " + compacted.length() + " bytes of options even with"
                    + " paths relative to " + common);
        }
        return new Compacted(common, compacted);
    }
}
