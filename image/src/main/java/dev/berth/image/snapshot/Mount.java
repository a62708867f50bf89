package dev.berth.image.snapshot;

import dev.berth.oci.runtime.Spec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One filesystem mount, without a target: what a {@link Snapshotter} hands out and what the
 * runtime mounts. It is the only type that storage and execution share (containerd's
 * {@code mount.Mount}): the snapshotter decides type, source and options; whoever owns the
 * target decides where it goes ({@link Mounter#mountAll}, or {@link #toSpecMount} for an OCI
 * spec's {@code mounts}).
 *
 * <p>Options are mount(8)-style strings: flags such as {@code ro}, {@code rbind} or
 * {@code nosuid}, and filesystem data such as {@code lowerdir=…}. Paths in options are absolute
 * so that a mount is meaningful on its own; see {@link Mounter} for how a long overlay
 * {@code lowerdir} still fits the kernel's one-page limit.
 *
 * @param type    {@code overlay}, {@code bind}, {@code tmpfs}, …
 * @param source  the device or directory ({@code overlay} for overlayfs)
 * @param options mount options in order
 */
public record Mount(String type, String source, List<String> options) {
    public Mount {
        options = List.copyOf(options);
    }

    /** A recursive bind mount of {@code dir}, read-only or writable. */
    public static Mount bind(String dir, boolean readOnly) {
        return new Mount("bind", dir, List.of("rbind", readOnly ? "ro" : "rw"));
    }

    /** Whether the mount is made read-only ({@code ro} wins over an earlier {@code rw}). */
    public boolean readOnly() {
        boolean ro = false;
        for (String o : options) {
            if (o.equals("ro")) {
                ro = true;
            } else if (o.equals("rw")) {
                ro = false;
            }
        }
        // an overlay without an upper layer cannot be written whatever its flags say
        return ro || (type.equals("overlay") && option("upperdir").isEmpty());
    }

    /** The value of the last {@code key=value} option, if any. */
    public Optional<String> option(String key) {
        String prefix = key + "=";
        String value = null;
        for (String o : options) {
            if (o.startsWith(prefix)) {
                value = o.substring(prefix.length());
            }
        }
        return Optional.ofNullable(value);
    }

    /** The overlay's lower directories, topmost first; empty for other mounts. */
    public List<String> lowerDirs() {
        if (!type.equals("overlay")) {
            return List.of();
        }
        List<String> dirs = new ArrayList<>();
        option("lowerdir").ifPresent(v -> dirs.addAll(List.of(v.split(":"))));
        return dirs;
    }

    /** This mount at {@code destination}, as an OCI runtime spec mount entry. */
    public Spec.Mount toSpecMount(String destination) {
        return new Spec.Mount(destination, type, source, options, null, null);
    }
}
