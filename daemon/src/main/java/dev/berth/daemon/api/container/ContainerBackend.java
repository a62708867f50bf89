package dev.berth.daemon.api.container;

import dev.berth.daemon.api.Filters;
import java.util.List;
import java.util.Map;

/**
 * What the Container tag's routes need from the daemon's containers, in API shapes. Failures are
 * {@link dev.berth.daemon.http.ApiException}s: {@code No such container: …} (404), a name in use
 * or a running container removed without force (409), a bad request (400), in dockerd's words.
 */
public interface ContainerBackend {
    /** The answer to {@code POST /containers/create} (swagger: {@code ContainerCreateResponse}). */
    record ContainerCreated(String id, List<String> warnings) {}

    /** {@code POST /containers/create?name=…}: {@code name} may be null for a generated one; {@code body} is the request JSON. */
    ContainerCreated create(String name, byte[] body);

    /** {@code GET /containers/json}: newest first; only running ones unless {@code all}; at most {@code limit} (0: all). */
    List<ContainerSummary> list(boolean all, int limit, Filters filters);

    /** {@code GET /containers/{id}/json} (swagger: {@code ContainerInspectResponse}). */
    Map<String, Object> inspect(String nameOrId);

    /** {@code POST /containers/{id}/rename?name=…}. */
    void rename(String nameOrId, String newName);

    /** {@code DELETE /containers/{id}?force=…&v=…}. */
    void remove(String nameOrId, boolean force, boolean volumes);
}
