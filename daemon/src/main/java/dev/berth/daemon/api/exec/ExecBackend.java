package dev.berth.daemon.api.exec;

import dev.berth.daemon.api.container.ContainerBackend;
import java.io.InputStream;
import java.util.Map;

/**
 * What the Exec tag's routes need: create an exec instance in a running container, start it
 * (detached, or attached to the caller's streams), resize its terminal and describe it. Errors
 * are {@link dev.berth.daemon.http.ApiException}s in dockerd's words.
 */
public interface ExecBackend {
    /** {@code POST /containers/{id}/exec}: returns the new exec instance's id. */
    String create(String container, ExecRequest request);

    /** Whether the instance runs with a terminal: raw output, else Docker's stdcopy frames. */
    boolean tty(String execId);

    /**
     * Checks that {@code execId} may start (it exists, has not run, its container runs) and
     * reserves it, before the connection is taken over.
     */
    void claim(String execId);

    /** Starts a claimed instance without attaching; returns once it runs (or failed to). */
    void startDetached(String execId);

    /**
     * Starts a claimed instance with its output going to {@code sink} and, if it takes input,
     * {@code stdin} going to it; returns once it has ended (or the client detached) and the sink
     * has been ended.
     */
    void startAttached(String execId, InputStream stdin, ContainerBackend.AttachSink sink);

    /** {@code POST /exec/{id}/resize}. */
    void resize(String execId, int height, int width);

    /** {@code GET /exec/{id}/json}: {@code ExecInspectResponse}. */
    Map<String, Object> inspect(String execId);
}
