package dev.berth.daemon.container;

import dev.berth.image.ImageException;
import dev.berth.image.snapshot.Mount;
import dev.berth.image.snapshot.Snapshotter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * {@code docker inspect} of a container: its record in dockerd's shape (State, Config,
 * HostConfig, Mounts, GraphDriver with overlay2's directories, the paths of its files). The
 * volumes and the exec ids come from the services that own them, which the daemon wires in
 * after this one is made, hence the suppliers.
 */
final class ContainerInspection {
    private final ContainerStore store;
    private final Supplier<Snapshotter> snapshots;
    private final Supplier<VolumeResolver> volumes;
    private final Supplier<Function<String, List<String>>> execIds;
    private final Supplier<ContainerNetworks> networks;

    ContainerInspection(ContainerStore store, Supplier<Snapshotter> snapshots, Supplier<VolumeResolver> volumes,
            Supplier<Function<String, List<String>>> execIds, Supplier<ContainerNetworks> networks) {
        this.store = store;
        this.networks = networks;
        this.snapshots = snapshots;
        this.volumes = volumes;
        this.execIds = execIds;
    }

    /** {@code GET /containers/{id}/json} (swagger: {@code ContainerInspectResponse}). */
    Map<String, Object> inspect(String nameOrId) {
        ContainerRecord r = store.get(nameOrId);
        Map<String, Object> state = new LinkedHashMap<>();
        ContainerRecord.State s = r.state();
        state.put("Status", s.status());
        state.put("Running", s.isRunning());
        state.put("Paused", s.status().equals("paused"));
        state.put("Restarting", s.status().equals("restarting"));
        state.put("OOMKilled", s.oomKilled());
        state.put("Dead", s.status().equals("dead"));
        state.put("Pid", s.pid());
        state.put("ExitCode", s.exitCode());
        state.put("Error", s.error() == null ? "" : s.error());
        state.put("StartedAt", s.startedAt());
        state.put("FinishedAt", s.finishedAt());
        java.util.Optional.ofNullable(s.health()).ifPresent(h -> state.put("Health", h));

        Path dir = store.dirOf(r.id());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Id", r.id());
        out.put("Created", r.created());
        out.put("Path", r.path());
        out.put("Args", r.args());
        out.put("State", state);
        out.put("Image", r.imageId());
        boolean ownFiles = r.hostConfig().networkMode() == null || !r.hostConfig().networkMode().startsWith("container:");
        out.put("ResolvConfPath", ownFiles ? dir.resolve("resolv.conf").toString() : "");
        out.put("HostnamePath", ownFiles ? dir.resolve("hostname").toString() : "");
        out.put("HostsPath", ownFiles ? dir.resolve("hosts").toString() : "");
        out.put("LogPath", LogSettings.of(r.hostConfig().logConfig()).keepsLogs() ? store.logFile(r.id()).toString() : "");
        out.put("Name", r.name());
        out.put("RestartCount", s.restartCount());
        out.put("Driver", "overlay2");
        out.put("Platform", "linux");
        out.put("MountLabel", "");
        out.put("ProcessLabel", "");
        out.put("AppArmorProfile", "");
        out.put("ExecIDs", execIds.get().apply(r.id()));
        out.put("HostConfig", r.hostConfig());
        out.put("GraphDriver", graphDriver(r, dir));
        out.put("Mounts", listedMounts(volumes.get().mountsOf(r.id()), r.hostConfig()));
        out.put("Config", r.config());
        out.put("NetworkSettings", networks.get().settings(r));
        return out;
    }

    /**
     * dockerd lists a {@code --mount type=tmpfs} in {@code Mounts} but keeps a {@code --tmpfs}
     * only in {@code HostConfig.Tmpfs}: it never becomes one of its mount points. A destination
     * cannot be both (duplicates are refused at create), so the destination tells them apart.
     */
    static List<Map<String, Object>> listedMounts(List<Map<String, Object>> mounts, HostConfig hc) {
        if (hc.tmpfs() == null || hc.tmpfs().isEmpty()) {
            return mounts;
        }
        Set<String> tmpfsFlags = hc.tmpfs().keySet().stream().map(MountPoints::clean).collect(Collectors.toSet());
        return mounts.stream()
                .filter(m -> !("tmpfs".equals(m.get("Type")) && tmpfsFlags.contains(String.valueOf(m.get("Destination")))))
                .toList();
    }

    /** overlay2's four directories, as {@code docker inspect} shows them. */
    private Map<String, Object> graphDriver(ContainerRecord r, Path dir) {
        Map<String, String> data = new LinkedHashMap<>();
        try {
            List<Mount> mounts = snapshots.get().mounts(r.snapshot());
            Mount m = mounts.getFirst();
            if (m.type().equals("overlay")) {
                data.put("LowerDir", String.join(":", m.lowerDirs()));
                data.put("MergedDir", dir.resolve("rootfs").toString());
                data.put("UpperDir", m.option("upperdir").orElse(""));
                data.put("WorkDir", m.option("workdir").orElse(""));
            } else {
                data.put("MergedDir", dir.resolve("rootfs").toString());
                data.put("UpperDir", m.source());
            }
        } catch (ImageException e) {
            // no layer (a daemon that crashed while removing): nothing to show, as dockerd
        }
        return Map.of("Name", "overlay2", "Data", data);
    }
}
