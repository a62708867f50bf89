package dev.berth.daemon.volume;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.api.system.Usage;
import dev.berth.daemon.api.system.UsageSource;
import dev.berth.daemon.api.volume.VolumeBackend;
import dev.berth.daemon.api.volume.VolumeView;
import dev.berth.daemon.container.VolumeResolver;
import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.events.EventType;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * The daemon's volumes: the {@code local} driver's named and anonymous volumes (see
 * {@link VolumeStore} for the layout), the API's Volume tag ({@link VolumeBackend}), what the
 * containers mount ({@link #forContainers()}), and the {@code Volumes} of {@code /system/df}.
 * It publishes dockerd's volume events: create, mount, unmount, destroy, prune.
 *
 * <p>One lock, this service's, orders everything that makes, binds or removes a volume (here and
 * in {@link ContainerVolumes}), so that a container cannot bind a volume between the check that
 * nobody uses it and its removal.
 */
public final class VolumeService implements VolumeBackend, UsageSource {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final VolumeStore store;
    private final VolumeUsers users;
    private final EventBus events;
    private final VolumeMounts mounts;
    private final ContainerVolumes containers;

    private VolumeService(VolumeStore store, VolumeUsers users, EventBus events, Function<String, String> containerIds) {
        this.store = store;
        this.users = users;
        this.events = events;
        this.mounts = new VolumeMounts(store, users);
        this.containers = new ContainerVolumes(this, store, users, mounts, events, containerIds);
    }

    /** The volumes as containers mount them. */
    public VolumeResolver forContainers() {
        return containers;
    }

    /**
     * @param containerIds a container's id from its name or id, or a 404 {@link ApiException} (for {@code --volumes-from})
     */
    public static VolumeService open(Path dataRoot, EventBus events, Function<String, String> containerIds)
            throws IOException {
        return new VolumeService(VolumeStore.open(dataRoot.resolve("volumes")),
                new VolumeUsers(dataRoot.resolve("containers")), events, containerIds);
    }

    // ---- the Volume tag

    @Override
    public synchronized VolumeView create(CreateRequest request) {
        String name = request.name() == null || request.name().isEmpty() ? randomName() : request.name();
        Volume v = create(name, request.driver(), request.labels(), request.driverOpts());
        return view(v, null);
    }

    /** The volume {@code name}, made if missing (callers hold this service's lock). */
    Volume create(String name, String driver, Map<String, String> labels, Map<String, String> options) {
        String d = driver == null || driver.isEmpty() ? Volume.LOCAL_DRIVER : driver;
        if (!d.equals(Volume.LOCAL_DRIVER)) {
            throw ApiException.notFound("create " + name + ": error looking up volume plugin " + d + ": plugin \"" + d
                    + "\" not found");
        }
        Optional<Volume> existing = store.find(name);
        if (existing.isPresent()) {
            return existing.get(); // dockerd answers with the volume that has the name
        }
        VolumeStore.validateName(name);
        LocalMountOptions.of(name, options); // refused here, not at the first mount
        Volume v = new Volume(name, d, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), labels, options);
        store.create(v);
        events.publish(EventType.VOLUME, "create", name, Map.of("driver", d));
        return v;
    }

    @Override
    public List<VolumeView> list(Filters filters) {
        Map<String, List<String>> used = users.byVolume();
        return store.all().stream().filter(v -> matches(v, filters, used)).map(v -> view(v, null)).toList();
    }

    private static boolean matches(Volume v, Filters filters, Map<String, List<String>> used) {
        for (String d : filters.get("dangling")) {
            boolean dangling = d.equals("true") || d.equals("1");
            if (dangling == used.containsKey(v.name())) {
                return false;
            }
        }
        if (!filters.get("name").isEmpty() && filters.get("name").stream().noneMatch(n -> find(n, v.name()))) {
            return false;
        }
        return filters.exactMatch("driver", v.driver()) && filters.matchKeyValues("label", v.labels());
    }

    /** dockerd's {@code Filters.Match}: the value as a regular expression found in the name. */
    private static boolean find(String pattern, String name) {
        try {
            return Pattern.compile(pattern).matcher(name).find();
        } catch (PatternSyntaxException e) {
            return name.contains(pattern);
        }
    }

    @Override
    public VolumeView inspect(String name) {
        return view(get(name), null);
    }

    private Volume get(String name) {
        return store.find(name).orElseThrow(() -> ApiException.notFound("get " + name + ": no such volume"));
    }

    @Override
    public synchronized void remove(String name, boolean force) {
        if (store.find(name).isEmpty() && force) {
            return;
        }
        Volume v = get(name);
        List<String> using = users.of(name);
        if (!using.isEmpty()) {
            throw ApiException.conflict("remove " + name + ": volume is in use - [" + String.join(", ", using) + "]");
        }
        destroy(v);
    }

    /** Removes {@code v} and says so (callers hold this service's lock and checked nobody uses it). */
    void destroy(Volume v) {
        mounts.unmount(v); // a bind's directory must not be deleted through it
        try {
            store.remove(v.name());
        } catch (UncheckedIOException e) {
            throw new ApiException(ErrorKind.INTERNAL, "remove " + v.name() + ": " + e.getCause().getMessage(), e);
        }
        events.publish(EventType.VOLUME, "destroy", v.name(), Map.of("driver", v.driver()));
    }

    @Override
    public synchronized PruneReport prune(Filters filters, boolean all) {
        Map<String, List<String>> used = users.byVolume();
        List<String> deleted = new ArrayList<>();
        long reclaimed = 0;
        for (Volume v : store.all()) {
            if (used.containsKey(v.name()) || (!all && !v.anonymous()) || !filters.matchKeyValues("label", v.labels())
                    || (filters.contains("label!") && matchesAny(filters.get("label!"), v.labels()))) {
                continue;
            }
            long size = sizeOf(store.dataOf(v.name()));
            destroy(v);
            deleted.add(v.name());
            reclaimed += size;
        }
        events.publish(EventType.VOLUME, "prune", "", Map.of("reclaimed", Long.toString(reclaimed)));
        return new PruneReport(deleted, reclaimed);
    }

    private static boolean matchesAny(Set<String> labelFilters, Map<String, String> labels) {
        for (String f : labelFilters) {
            if (Filters.of(Map.of("label", Set.of(f))).matchKeyValues("label", labels)) {
                return true;
            }
        }
        return false;
    }

    private VolumeView view(Volume v, VolumeView.UsageData usage) {
        return new VolumeView(v.name(), v.driver(), store.dataOf(v.name()).toString(), v.createdAt(), v.labels(),
                "local", v.options(), usage);
    }

    // ---- /system/df

    @Override
    public long count() {
        return store.all().size();
    }

    @Override
    public Usage usage(boolean withItems) {
        Map<String, List<String>> used = users.byVolume();
        long active = 0;
        long total = 0;
        long reclaimable = 0;
        List<VolumeView> items = new ArrayList<>();
        for (Volume v : store.all()) {
            long size = sizeOf(store.dataOf(v.name()));
            int refs = used.getOrDefault(v.name(), List.of()).size();
            total += size;
            if (refs > 0) {
                active++;
            } else {
                reclaimable += size;
            }
            items.add(view(v, new VolumeView.UsageData(size, refs)));
        }
        return new Usage(active, items.size(), reclaimable, total, withItems ? items : List.of());
    }

    /** Bytes in regular files under {@code dir}, not following links (dockerd's {@code directory.Size}). */
    static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // removed while counting
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return 0;
        }
    }

    /** A 64-hex name, as dockerd gives a volume made without one. */
    static String randomName() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
