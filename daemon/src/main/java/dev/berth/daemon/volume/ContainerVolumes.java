package dev.berth.daemon.volume;

import dev.berth.daemon.container.InvalidContainerConfigException;
import dev.berth.daemon.container.MountPoint;
import dev.berth.daemon.container.VolumeResolver;
import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.events.EventType;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The volumes as containers see them ({@link VolumeResolver}): at create, a container's mount
 * points get their volumes (a named one made if missing, a new anonymous one for a mount point
 * without a name, another container's through {@code --volumes-from}), new volumes are filled
 * from the image, and the result is recorded in {@link AttachedMounts}; later starts read it
 * back. Making and removing volumes goes through the {@link VolumeService}, under its lock.
 */
final class ContainerVolumes implements VolumeResolver {
    private final VolumeService service;
    private final VolumeStore store;
    private final VolumeUsers users;
    private final VolumeMounts mounts;
    private final EventBus events;
    private final Function<String, String> containerIds;

    ContainerVolumes(VolumeService service, VolumeStore store, VolumeUsers users, VolumeMounts mounts, EventBus events,
            Function<String, String> containerIds) {
        this.service = service;
        this.store = store;
        this.users = users;
        this.mounts = mounts;
        this.events = events;
        this.containerIds = containerIds;
    }

    @Override
    public List<MountPoint> attach(String containerId, List<MountPoint> requested, List<String> volumesFrom,
            Path rootfs) {
        synchronized (service) {
            return attachLocked(containerId, requested, volumesFrom, rootfs);
        }
    }

    private List<MountPoint> attachLocked(String containerId, List<MountPoint> requested, List<String> volumesFrom,
            Path rootfs) {
        Path dir = users.containerDir(containerId);
        Optional<List<MountPoint>> recorded = AttachedMounts.read(dir);
        if (recorded.isPresent()) {
            holdMounts(containerId); // a start: mounted until the container stops
            return recorded.get();
        }
        List<MountPoint> points = VolumesFrom.merge(requested, VolumesFrom.inherited(volumesFrom,
                from -> AttachedMounts.read(users.containerDir(volumesFromId(from))).orElse(List.of())));
        List<Volume> made = new ArrayList<>();
        try {
            List<MountPoint> out = new ArrayList<>();
            for (MountPoint mp : points) {
                if (!mp.type().equals("volume")) {
                    out.add(mp);
                    continue;
                }
                boolean anonymous = mp.source() == null;
                String name = anonymous ? VolumeService.randomName() : mp.source();
                boolean existed = store.find(name).isPresent();
                Volume v = service.create(name, null, anonymous ? Map.of(Volume.ANONYMOUS_LABEL, "") : null, null);
                if (!existed) {
                    made.add(v);
                }
                if (!mp.noCopy() && rootfs != null && ImageDataCopy.hasSource(rootfs, mp.destination())) {
                    // as moby's populateVolume: a volume that mounts is mounted for the copy only
                    mounts.whileMounted(v, () -> ImageDataCopy.copy(rootfs, mp.destination(), store.dataOf(name)));
                }
                out.add(mp.withSource(name));
            }
            AttachedMounts.write(dir, out);
            return List.copyOf(out);
        } catch (IOException | RuntimeException e) {
            made.forEach(service::destroy);
            if (e instanceof ApiException || e instanceof InvalidContainerConfigException) {
                throw (RuntimeException) e;
            }
            throw new ApiException(ErrorKind.INTERNAL, "mount volumes of " + containerId + ": " + e.getMessage(), e);
        }
    }

    /**
     * A missing {@code --volumes-from} container is a bad parameter (400), as in moby, not a 404:
     * the CLI answers a 404 to create by pulling the image.
     */
    private String volumesFromId(String nameOrId) {
        try {
            return containerIds.apply(nameOrId);
        } catch (ApiException e) {
            throw e.kind() == ErrorKind.NOT_FOUND ? ApiException.invalid(e.getMessage()) : e;
        }
    }

    @Override
    public Path hostPath(String name) {
        return store.dataOf(name);
    }

    @Override
    public void detach(String containerId, boolean removeAnonymous) {
        synchronized (service) {
            detachLocked(containerId, removeAnonymous);
        }
    }

    private void detachLocked(String containerId, boolean removeAnonymous) {
        Path dir = users.containerDir(containerId);
        mounts.releaseAll(containerId);
        List<MountPoint> points = AttachedMounts.read(dir).orElse(List.of());
        AttachedMounts.delete(dir);
        if (!removeAnonymous) {
            return;
        }
        Map<String, List<String>> used = users.byVolume();
        for (MountPoint mp : points) {
            if (mp.type().equals("volume") && !used.containsKey(mp.source())) {
                store.find(mp.source()).filter(Volume::anonymous).ifPresent(service::destroy);
            }
        }
    }

    @Override
    public Optional<List<MountPoint>> attached(String containerId) {
        return AttachedMounts.read(users.containerDir(containerId));
    }

    @Override
    public List<Map<String, Object>> mountsOf(String containerId) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (MountPoint mp : AttachedMounts.read(users.containerDir(containerId)).orElse(List.of())) {
            boolean volume = mp.type().equals("volume");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("Type", mp.type());
            if (volume) {
                m.put("Name", mp.source());
            }
            m.put("Source", volume ? hostPath(mp.source()).toString() : mp.type().equals("bind") ? mp.source() : "");
            m.put("Destination", mp.destination());
            if (volume) {
                m.put("Driver", Volume.LOCAL_DRIVER);
            }
            m.put("Mode", mp.mode() == null ? "" : mp.mode());
            m.put("RW", mp.writable());
            m.put("Propagation", mp.type().equals("bind") ? mp.propagation() : "");
            out.add(m);
        }
        return out;
    }

    @Override
    public void holdMounts(String containerId) {
        synchronized (service) {
            for (MountPoint mp : AttachedMounts.read(users.containerDir(containerId)).orElse(List.of())) {
                if (mp.type().equals("volume")) {
                    store.find(mp.source()).ifPresent(v -> mounts.hold(containerId, v));
                }
            }
        }
    }

    @Override
    public void releaseMounts(String containerId) {
        synchronized (service) {
            mounts.releaseAll(containerId);
        }
    }

    @Override
    public void mounted(String containerId, boolean mounted) {
        if (!mounted) {
            releaseMounts(containerId);
        }
        for (MountPoint mp : AttachedMounts.read(users.containerDir(containerId)).orElse(List.of())) {
            if (!mp.type().equals("volume")) {
                continue;
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            attributes.put("container", containerId);
            attributes.put("driver", Volume.LOCAL_DRIVER);
            if (mounted) {
                attributes.put("destination", mp.destination());
                attributes.put("propagation", "");
                attributes.put("read/write", Boolean.toString(mp.writable()));
            }
            events.publish(EventType.VOLUME, mounted ? "mount" : "unmount", mp.source(), attributes);
        }
    }
}
