package dev.berth.daemon.volume;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import dev.berth.daemon.http.Json;
import dev.berth.image.content.DurableFiles;
import dev.berth.linux.Errno;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.MountInfo;
import dev.berth.linux.Mounts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The mounts of the volumes that the {@code local} driver mounts ({@link LocalMountOptions}),
 * counted as moby's {@code volume/local} counts them: a volume is mounted over its
 * {@code _data} when the first container that uses it starts and unmounted when the last one
 * stops or is removed; filling a new volume from the image at create mounts it for that moment
 * only. Who holds which volume is kept on disk, as {@code containers/<id>/held-volumes.json}
 * (written before the mount, so a crash leaves a hold without a mount, never the reverse), so a
 * restarted daemon still knows when the last user of a mount goes. The file goes with the
 * container's directory.
 *
 * <p>Callers hold the {@link VolumeService}'s lock.
 */
final class VolumeMounts {
    static final String FILE = "held-volumes.json";
    private static final TypeReference<Set<String>> SET = new TypeReference<>() {};

    /** Something to do on a mounted volume. */
    interface Work {
        void run() throws IOException;
    }

    private final VolumeStore store;
    private final VolumeUsers users;

    VolumeMounts(VolumeStore store, VolumeUsers users) {
        this.store = store;
        this.users = users;
    }

    /** Container {@code containerId} uses {@code v}: mounted from now until {@link #releaseAll}. */
    void hold(String containerId, Volume v) {
        Optional<LocalMountOptions> options = LocalMountOptions.of(v.name(), v.options());
        if (options.isEmpty()) {
            return;
        }
        Set<String> held = held(users.containerDir(containerId));
        if (held.add(v.name())) {
            write(users.containerDir(containerId), held);
        }
        mount(v, options.get());
    }

    /** Ends every hold of {@code containerId}, and unmounts the volumes nobody else holds. */
    void releaseAll(String containerId) {
        Path dir = users.containerDir(containerId);
        Set<String> held = held(dir);
        if (held.isEmpty()) {
            return;
        }
        try {
            Files.deleteIfExists(dir.resolve(FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("delete " + dir.resolve(FILE), e);
        }
        Set<String> stillHeld = new HashSet<>();
        for (Path other : users.containerDirs()) {
            stillHeld.addAll(held(other));
        }
        for (String name : held) {
            if (!stillHeld.contains(name)) {
                store.find(name).ifPresent(this::unmount);
            }
        }
    }

    /** Runs {@code work} with {@code v} mounted (if it mounts at all), unmounted after unless a container holds it. */
    void whileMounted(Volume v, Work work) throws IOException {
        Optional<LocalMountOptions> options = LocalMountOptions.of(v.name(), v.options());
        if (options.isEmpty()) {
            work.run();
            return;
        }
        boolean wasMounted = MountInfo.isMountPoint(store.dataOf(v.name()));
        mount(v, options.get());
        try {
            work.run();
        } finally {
            if (!wasMounted) {
                unmount(v);
            }
        }
    }

    /**
     * Unmounts {@code v}'s {@code _data} if anything is mounted there: before its directory is
     * deleted, which must never reach through a bind into the directory it names.
     */
    void unmount(Volume v) {
        Path data = store.dataOf(v.name());
        // moby's mount.Unmount is lazy (MNT_DETACH): a process that still has a file open there keeps it
        for (int i = 0; i < 8 && MountInfo.isMountPoint(data); i++) {
            try {
                Mounts.unmount(data, Mounts.MNT_DETACH | Mounts.UMOUNT_NOFOLLOW);
            } catch (ErrnoException e) {
                throw new ApiException(ErrorKind.INTERNAL, "unmount volume " + v.name() + ": " + e.getMessage(), e);
            }
        }
        if (MountInfo.isMountPoint(data)) {
            throw new ApiException(ErrorKind.INTERNAL,
                    "unmount volume " + v.name() + ": " + data + " is still mounted");
        }
    }

    /** moby's {@code mount.Mount}: the mount with its flags, then the propagation, then read-only for a bind. */
    private void mount(Volume v, LocalMountOptions o) {
        Path data = store.dataOf(v.name());
        if (MountInfo.isMountPoint(data)) {
            return;
        }
        long flags = o.flags() & ~LocalMountOptions.PROPAGATION;
        try {
            Mounts.mount(o.device(), data, o.type(), flags, o.data().isEmpty() ? null : o.data());
            try {
                if ((o.flags() & LocalMountOptions.PROPAGATION) != 0) {
                    Mounts.mount(null, data, null, o.flags() & (LocalMountOptions.PROPAGATION | Mounts.MS_REC), null);
                }
                long bindReadOnly = Mounts.MS_BIND | Mounts.MS_RDONLY;
                if ((flags & bindReadOnly) == bindReadOnly) {
                    Mounts.mount(null, data, null, flags | Mounts.MS_REMOUNT, null);
                }
            } catch (ErrnoException e) {
                unmount(v);
                throw e;
            }
        } catch (ErrnoException e) {
            throw new ApiException(ErrorKind.INTERNAL, "error while mounting volume '" + data
                    + "': failed to mount local volume: mount " + o.device() + ":" + data + ", flags: 0x"
                    + Long.toHexString(flags) + ": " + Errno.describe(e.errno()), e);
        }
    }

    private static Set<String> held(Path containerDir) {
        try {
            return new TreeSet<>(Json.MAPPER.readValue(Files.readAllBytes(containerDir.resolve(FILE)), SET));
        } catch (NoSuchFileException e) {
            return new TreeSet<>();
        } catch (IOException e) {
            throw new UncheckedIOException("read " + containerDir.resolve(FILE), e);
        }
    }

    private static void write(Path containerDir, Set<String> held) {
        try {
            Files.createDirectories(containerDir);
            DurableFiles.writeAtomically(containerDir.resolve(FILE), Json.MAPPER.writeValueAsBytes(List.copyOf(held)));
        } catch (IOException e) {
            throw new UncheckedIOException("write " + containerDir.resolve(FILE), e);
        }
    }
}
