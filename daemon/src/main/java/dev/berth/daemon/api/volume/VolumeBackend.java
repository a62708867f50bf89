package dev.berth.daemon.api.volume;

import dev.berth.daemon.api.Filters;
import java.util.List;
import java.util.Map;

/**
 * What the Volume tag's routes need from the daemon's volumes, in API shapes. Failures are
 * {@link dev.berth.daemon.http.ApiException}s in dockerd's words: {@code get x: no such volume}
 * (404), {@code remove x: volume is in use - [<id>]} (409), a bad name (400).
 */
public interface VolumeBackend {
    /** {@code VolumeCreateRequest}; null fields were not given. */
    record CreateRequest(String name, String driver, Map<String, String> driverOpts, Map<String, String> labels) {}

    /** {@code POST /volumes/prune}'s answer. */
    record PruneReport(List<String> volumesDeleted, long spaceReclaimed) {}

    /** {@code POST /volumes/create}: a new volume, or the existing one of that name. */
    VolumeView create(CreateRequest request);

    /** {@code GET /volumes}: filters {@code dangling}, {@code name}, {@code label}, {@code driver}. */
    List<VolumeView> list(Filters filters);

    /** {@code GET /volumes/{name}}. */
    VolumeView inspect(String name);

    /** {@code DELETE /volumes/{name}}: {@code force} only makes a missing volume no error. */
    void remove(String name, boolean force);

    /**
     * {@code POST /volumes/prune}: removes volumes no container uses, only anonymous ones unless
     * {@code all} (the default before API 1.42), filtered by {@code label} and {@code label!}.
     */
    PruneReport prune(Filters filters, boolean all);
}
