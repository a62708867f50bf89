package dev.berth.daemon.api.system;

import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.http.ApiVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The System tag's backend on this host: the daemon's own facts, the host's, the services'
 * counts (through the {@link Inventory}) and the process's current state.
 */
public final class HostSystem implements SystemBackend {
    /** The index Docker clients log in to by default; {@code /info} names it. */
    static final String INDEX_SERVER = "https://index.docker.io/v1/";
    /** dockerd always treats loopback registries as insecure. */
    static final List<String> LOOPBACK_CIDRS = List.of("::1/128", "127.0.0.0/8");
    static final String RUNTIME = "berth";

    private final EngineFacts engine;
    private final HostFacts host;
    private final Inventory inventory;
    private final EventBus events;
    private final SystemVersion version;

    public HostSystem(EngineFacts engine, HostFacts host, Inventory inventory, EventBus events) {
        this.engine = engine;
        this.host = host;
        this.inventory = inventory;
        this.events = events;
        this.version = buildVersion();
    }

    @Override
    public SystemVersion version() {
        return version;
    }

    private SystemVersion buildVersion() {
        String buildTime = engine.buildTime().isEmpty() ? null : engine.buildTime();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("ApiVersion", ApiVersion.CURRENT.toString());
        details.put("Arch", host.goArch());
        if (buildTime != null) {
            details.put("BuildTime", buildTime);
        }
        details.put("Experimental", "false");
        details.put("KernelVersion", host.host().kernelVersion());
        details.put("MinAPIVersion", ApiVersion.MINIMUM.toString());
        details.put("Os", "linux");
        List<SystemVersion.Component> components = List.of(
                new SystemVersion.Component("Engine", engine.version(), details),
                new SystemVersion.Component("Java", Runtime.version().toString(),
                        Map.of("Vendor", String.valueOf(System.getProperty("java.vendor")))));
        return new SystemVersion(new SystemVersion.Platform("Berth"), components, engine.version(),
                ApiVersion.CURRENT.toString(), ApiVersion.MINIMUM.toString(), null, "linux", host.goArch(),
                host.host().kernelVersion(), null, buildTime);
    }

    @Override
    public SystemInfo info() {
        ContainerCounts c = inventory.containerStates().get();
        SystemInfo.Counts counts = new SystemInfo.Counts(c.total(), c.running(), c.paused(), c.stopped(),
                inventory.images().count());
        SystemInfo.Storage storage = new SystemInfo.Storage(engine.storageDriver(),
                List.of(List.of("Backing Filesystem", backingFilesystem(engine.dataRoot())),
                        List.of("Supports d_type", "true"),
                        List.of("Using metacopy", "false"),
                        List.of("Native Overlay Diff", "true")),
                engine.dataRoot().toString());
        SystemInfo.Process process = new SystemInfo.Process(engine.debug(), openFiles(), threads(),
                ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME), events.listeners());
        SystemInfo.Engine eng = new SystemInfo.Engine(
                engine.version(),
                new SystemInfo.Plugins(List.of("local"), List.of("bridge", "host", "none", "null"), null,
                        List.of("json-file", "local")),
                "json-file",
                Map.of(RUNTIME, new SystemInfo.Runtime(null)),
                RUNTIME,
                SystemInfo.Swarm.INACTIVE,
                List.of("name=seccomp,profile=builtin"),
                INDEX_SERVER,
                registryConfig(),
                List.of(),
                false, false, "", "", new SystemInfo.Commit(""), new SystemInfo.Commit(""),
                new SystemInfo.Commit(""), List.of());
        return new SystemInfo(engine.id(), counts, storage, host.features(), host.host(), process, eng,
                warnings());
    }

    private List<String> warnings() {
        List<String> w = new ArrayList<>(engine.warnings());
        if (!host.features().swapLimit()) {
            w.add("WARNING: No swap limit support");
        }
        return w;
    }

    /** dockerd's shape: loopback and CIDR entries as CIDRs, names as insecure index configs. */
    SystemInfo.RegistryConfig registryConfig() {
        List<String> cidrs = new ArrayList<>(LOOPBACK_CIDRS);
        Map<String, SystemInfo.IndexInfo> indexes = new LinkedHashMap<>();
        indexes.put("docker.io", new SystemInfo.IndexInfo("docker.io", engine.registryMirrors(), true, true));
        for (String r : engine.insecureRegistries()) {
            if (r.contains("/")) {
                if (!cidrs.contains(r)) {
                    cidrs.add(r);
                }
            } else {
                indexes.put(r, new SystemInfo.IndexInfo(r, List.of(), false, false));
            }
        }
        return new SystemInfo.RegistryConfig(cidrs, indexes, engine.registryMirrors());
    }

    @Override
    public Map<UsageKind, Usage> usage(Set<UsageKind> kinds, boolean withItems) {
        Map<UsageKind, Usage> out = new EnumMap<>(UsageKind.class);
        for (UsageKind k : kinds) {
            out.put(k, inventory.source(k).usage(withItems));
        }
        return out;
    }

    /** The filesystem type under the data root, named as dockerd names it ({@code extfs}, {@code xfs}). */
    static String backingFilesystem(Path dataRoot) {
        try {
            String type = Files.getFileStore(dataRoot).type();
            return switch (type) {
                case "ext2", "ext3", "ext4" -> "extfs";
                default -> type;
            };
        } catch (IOException e) {
            return "<unknown>";
        }
    }

    private static int openFiles() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            return 0;
        }
    }

    /** The process's threads (the closest thing to dockerd's goroutine count). */
    private static int threads() {
        for (String line : HostFacts.read("/proc/self/status", "").split("\n")) {
            if (line.startsWith("Threads:")) {
                try {
                    return Integer.parseInt(line.substring(8).trim());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }
}
