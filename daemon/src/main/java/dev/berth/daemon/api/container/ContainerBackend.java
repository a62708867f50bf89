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

    /** Refuses {@code docker logs} before any byte goes out, for a container whose log driver keeps nothing. */
    default void checkLogsReadable(String nameOrId) {}

    /** {@code POST /containers/{id}/start}; a running container is left as it is. */
    void start(String nameOrId);

    /** {@code POST /containers/{id}/kill?signal=…} (default KILL); 409 if it is not running. */
    void kill(String nameOrId, String signal);

    /** {@code POST /containers/{id}/stop?signal=…&t=…}: the stop signal, then KILL after the timeout. */
    void stop(String nameOrId, String signal, Integer timeoutSeconds);

    /** {@code POST /containers/{id}/restart?signal=…&t=…}: stop as {@link #stop} does, then start. */
    void restart(String nameOrId, String signal, Integer timeoutSeconds);

    /** {@code POST /containers/{id}/pause} ({@code true}) and {@code /unpause}; 409 if it is not running. */
    void pause(String nameOrId, boolean paused);

    /** {@code POST /containers/prune}: removes every stopped container; returns their ids. */
    List<String> prune(Filters filters);

    /** A registered wait: {@link #await} blocks until its condition holds, or throws CancellationException after {@link #cancel}. */
    interface WaitHandle {
        WaitResult await();

        void cancel();
    }

    /** {@code ContainerWaitResponse}: the exit code, and the error of a start that failed. */
    record WaitResult(int statusCode, String error) {}

    /**
     * {@code POST /containers/{id}/wait?condition=…} ({@code not-running}, {@code next-exit},
     * {@code removed}): registered when this returns, so that a start sent afterwards cannot be missed.
     */
    WaitHandle waitFor(String nameOrId, String condition);

    /** Whether the container has a terminal: its output is then one raw stream, without stdcopy frames. */
    boolean tty(String nameOrId);

    /** The receiving end of a container's output: stream 1 is stdout, 2 stderr. */
    interface AttachSink {
        void write(int stream, byte[] data, int offset, int length) throws java.io.IOException;

        void end();

        /** Registers what to do when the client goes away while nothing is written to it. */
        default void onCancel(Runnable detach) {}
    }

    /**
     * {@code POST /containers/{id}/attach}: registers {@code sink} for the container's output
     * from now until it ends; on a container that is not running, from its next start on (how
     * {@code docker run} and {@code docker start -a} attach before they start). Registered when
     * this returns, so that the route answers the upgrade only then: the client's start, sent
     * after the answer, cannot produce output that the attachment misses. On a terminal the
     * client's input ends the attachment at {@code detachKeys} (null: ctrl-p,ctrl-q) or at its end,
     * and the container runs on.
     */
    Attachment attach(String nameOrId, String detachKeys, AttachSink sink);

    /** {@code POST /containers/{id}/resize}: the size of the container's terminal. */
    void resize(String nameOrId, int height, int width);

    /** A registered attachment. */
    interface Attachment {
        /** Sends {@code stdin} (null: none) to the container and blocks until its output ends. */
        void run(java.io.InputStream stdin);
    }

    /** What {@code docker logs} asks for. {@code tail} below 0: everything. */
    record LogOptions(boolean stdout, boolean stderr, boolean timestamps, int tail, java.time.Instant since,
            java.time.Instant until, boolean follow) {
        public boolean wants(int stream) {
            return stream == 2 ? stderr : stdout;
        }

        public boolean inWindow(java.time.Instant time) {
            return (since == null || !time.isBefore(since)) && (until == null || !time.isAfter(until));
        }
    }

    /**
     * {@code GET /containers/{id}/logs}: the logged output, then, with {@code follow} on a running
     * container, what it writes until it ends (or {@code until} passes, or the client goes), then the end.
     */
    void logs(String nameOrId, LogOptions options, AttachSink sink) throws java.io.IOException;
}
