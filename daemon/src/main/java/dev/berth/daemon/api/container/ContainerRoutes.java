package dev.berth.daemon.api.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.daemon.api.Filters;
import dev.berth.daemon.api.Timestamps;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.Json;
import dev.berth.daemon.http.RawStreams;
import dev.berth.daemon.http.Request;
import dev.berth.daemon.http.Response;
import dev.berth.daemon.http.Route;
import dev.berth.daemon.http.RouteTable;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Container tag's routes that this daemon serves so far: create, list, inspect, rename,
 * remove, start, stop, restart, kill, pause, unpause, prune, wait, attach (with Docker's stdcopy
 * frames when there is no terminal), resize and logs. An id, a name or a unique id prefix names a container in every path.
 */
public final class ContainerRoutes implements RouteTable {
    private final ContainerBackend backend;

    public ContainerRoutes(ContainerBackend backend) {
        this.backend = backend;
    }

    /** {@code ContainerCreateResponse} with Docker's field names. */
    record Created(@JsonProperty("Id") String id, @JsonProperty("Warnings") List<String> warnings) {}

    @Override
    public List<Route> routes() {
        return List.of(
                Route.post("/containers/create", this::create),
                Route.get("/containers/json", this::list),
                Route.get("/containers/{name}/json", (rq, rs) -> rs.json(backend.inspect(rq.param("name")))),
                Route.post("/containers/{name}/rename", (rq, rs) -> {
                    backend.rename(rq.param("name"), rq.query("name"));
                    rs.noContent();
                }),
                Route.delete("/containers/{name}", (rq, rs) -> {
                    backend.remove(rq.param("name"), rq.queryBool("force"), rq.queryBool("v"));
                    rs.noContent();
                }),
                Route.post("/containers/{name}/start", (rq, rs) -> {
                    backend.start(rq.param("name"));
                    rs.noContent();
                }),
                Route.post("/containers/{name}/kill", (rq, rs) -> {
                    backend.kill(rq.param("name"), rq.query("signal"));
                    rs.noContent();
                }),
                Route.post("/containers/{name}/stop", (rq, rs) -> {
                    String t = rq.query("t") != null ? rq.query("t") : rq.query("timeout");
                    backend.stop(rq.param("name"), rq.query("signal"), t == null || t.isEmpty() ? null : parseInt("t", t));
                    rs.noContent();
                }),
                Route.post("/containers/{name}/restart", (rq, rs) -> {
                    String t = rq.query("t") != null ? rq.query("t") : rq.query("timeout");
                    backend.restart(rq.param("name"), rq.query("signal"),
                            t == null || t.isEmpty() ? null : parseInt("t", t));
                    rs.noContent();
                }),
                Route.post("/containers/{name}/pause", (rq, rs) -> {
                    backend.pause(rq.param("name"), true);
                    rs.noContent();
                }),
                Route.post("/containers/{name}/unpause", (rq, rs) -> {
                    backend.pause(rq.param("name"), false);
                    rs.noContent();
                }),
                Route.post("/containers/prune", (rq, rs) -> {
                    Map<String, Object> report = new LinkedHashMap<>();
                    report.put("ContainersDeleted", backend.prune(Filters.parse(rq.query("filters"))));
                    report.put("SpaceReclaimed", 0);
                    rs.json(report);
                }),
                Route.post("/containers/{name}/wait", this::waitFor),
                Route.hijacking("POST", "/containers/{name}/attach", this::attach),
                Route.post("/containers/{name}/resize", (rq, rs) -> {
                    backend.resize(rq.param("name"), dev.berth.daemon.api.exec.ExecRoutes.size(rq, "h"),
                            dev.berth.daemon.api.exec.ExecRoutes.size(rq, "w"));
                    rs.bytes("text/plain; charset=utf-8", new byte[0]);
                }),
                Route.get("/containers/{name}/logs", this::logs));
    }

    private static int parseInt(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw ApiException.invalid("invalid value for " + name + ": " + value);
        }
    }

    /**
     * The headers go out as soon as the wait is registered (the docker CLI sends its start only
     * after it has them), the body once the condition holds.
     */
    void waitFor(Request request, Response response) throws IOException {
        ContainerBackend.WaitHandle handle = backend.waitFor(request.param("name"), request.query("condition"));
        request.onCancel(handle::cancel); // a client that gives up frees its waiter
        OutputStream out = response.stream("application/json");
        out.flush();
        ContainerBackend.WaitResult result;
        try {
            result = handle.await();
        } catch (java.util.concurrent.CancellationException e) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("StatusCode", result.statusCode());
        body.put("Error", result.error() == null || result.error().isEmpty() ? null
                : Map.of("Message", result.error()));
        try {
            out.write(Json.MAPPER.writeValueAsBytes(body));
            out.write('\n');
            out.close();
        } catch (IOException e) {
            // the client read its answer and hung up before the end of the chunked body, as the docker CLI may
        }
    }

    void attach(Request request, Response response) throws IOException {
        String name = request.param("name");
        boolean tty = backend.tty(name); // 404 before the connection is taken over
        HijackSink sink = new HijackSink(tty, request.queryBool("stdout"), request.queryBool("stderr"));
        request.onCancel(sink::cancel);
        ContainerBackend.Attachment attachment = backend.attach(name, request.query("detachKeys"), sink);
        RawStreams raw = response.hijack(tty ? "application/vnd.docker.raw-stream"
                : "application/vnd.docker.multiplexed-stream");
        sink.bind(raw);
        attachment.run(request.queryBool("stdin") ? raw.input() : null);
    }

    /**
     * The attached client's end: output that comes before the connection is taken over waits in
     * memory and goes out first, so that nothing between the registration and the upgrade is lost.
     */
    public static final class HijackSink implements ContainerBackend.AttachSink {
        private final boolean tty;
        private final boolean stdout;
        private final boolean stderr;
        private final java.io.ByteArrayOutputStream early = new java.io.ByteArrayOutputStream();
        private final java.util.List<Runnable> onCancel = new java.util.concurrent.CopyOnWriteArrayList<>();
        private RawStreams raw;
        private boolean ended;

        public HijackSink(boolean tty, boolean stdout, boolean stderr) {
            this.tty = tty;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public synchronized void write(int stream, byte[] data, int offset, int length) throws IOException {
            if (stream == 2 ? stderr : stdout) {
                frame(raw != null ? raw.output() : early, tty, stream, data, offset, length);
            }
        }

        public synchronized void bind(RawStreams streams) throws IOException {
            raw = streams;
            if (early.size() > 0) {
                raw.output().write(early.toByteArray());
                raw.output().flush();
            }
            if (ended) {
                closeQuietly();
            }
        }

        @Override
        public synchronized void end() {
            ended = true;
            if (raw != null) {
                closeQuietly();
            }
        }

        private void closeQuietly() {
            try {
                raw.closeWrite();
            } catch (IOException e) {
                // the client went away first
            }
        }

        @Override
        public void onCancel(Runnable detach) {
            onCancel.add(detach);
        }

        public void cancel() {
            onCancel.forEach(Runnable::run);
        }
    }

    void logs(Request request, Response response) throws IOException {
        String name = request.param("name");
        boolean stdout = request.queryBool("stdout");
        boolean stderr = request.queryBool("stderr");
        if (!stdout && !stderr) {
            throw ApiException.invalid("Bad parameters: you must choose at least one stream");
        }
        boolean tty = backend.tty(name);
        backend.checkLogsReadable(name);
        String tail = request.query("tail");
        int lines = tail == null || tail.isEmpty() || tail.equals("all") ? -1 : parseInt("tail", tail);
        ContainerBackend.LogOptions options = new ContainerBackend.LogOptions(stdout, stderr,
                request.queryBool("timestamps"), lines, time("since", request.query("since")),
                time("until", request.query("until")), request.queryBool("follow"));
        OutputStream out = response.stream(tty ? "application/vnd.docker.raw-stream"
                : "application/vnd.docker.multiplexed-stream");
        backend.logs(name, options, new ContainerBackend.AttachSink() {
            @Override
            public void write(int stream, byte[] data, int offset, int length) throws IOException {
                frame(out, tty, stream, data, offset, length);
            }

            @Override
            public void end() {}

            @Override
            public void onCancel(Runnable detach) {
                request.onCancel(detach); // a follower leaves when its client does
            }
        });
        out.close();
    }

    /** since and until as the docker CLI sends them, the events' form; 0 means not given. */
    static Instant time(String name, String value) {
        return "0".equals(value) ? null : Timestamps.parse(name, value);
    }

    /** Docker's stdcopy frame: the stream, three zero bytes, the length (big-endian), the bytes; raw with a terminal. */
    static void frame(OutputStream out, boolean tty, int stream, byte[] data, int offset, int length) throws IOException {
        if (!tty) {
            out.write(new byte[] {(byte) stream, 0, 0, 0, (byte) (length >>> 24), (byte) (length >>> 16),
                (byte) (length >>> 8), (byte) length});
        }
        out.write(data, offset, length);
        out.flush();
    }

    void create(Request request, Response response) throws IOException {
        ContainerBackend.ContainerCreated created = backend.create(request.query("name"), request.body().readAllBytes());
        response.json(201, new Created(created.id(), created.warnings()));
    }

    void list(Request request, Response response) throws IOException {
        Filters filters = Filters.parse(request.query("filters"));
        int limit = (int) request.queryLong("limit", 0);
        boolean all = request.queryBool("all") || limit > 0;
        response.json(backend.list(all, limit, filters));
    }
}
