package dev.berth.daemon.api.container;

import dev.berth.daemon.http.Json;
import dev.berth.daemon.http.Request;
import dev.berth.daemon.http.Response;
import dev.berth.daemon.http.Route;
import dev.berth.daemon.http.RouteTable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Container tag's routes about a running container's processes and resources: {@code top},
 * {@code stats} (a stream of one sample a second, or one sample) and {@code update}.
 */
public final class RunningContainerRoutes implements RouteTable {
    /** dockerd samples once a second, and so does its stream. */
    private static final long INTERVAL_MILLIS = 1_000;

    private final RunningContainerBackend backend;

    public RunningContainerRoutes(RunningContainerBackend backend) {
        this.backend = backend;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/containers/{name}/top", (rq, rs) -> {
                    RunningContainerBackend.Top top = backend.top(rq.param("name"), rq.query("ps_args"));
                    rs.json(Map.of("Titles", top.titles(), "Processes", top.processes()));
                }),
                Route.get("/containers/{name}/stats", this::stats),
                Route.post("/containers/{name}/update", (rq, rs) ->
                        rs.json(Map.of("Warnings", backend.update(rq.param("name"), rq.body().readAllBytes())))));
    }

    /**
     * {@code stream} (default true) sends a sample a second until the client goes or the
     * container stops; without it, {@code one-shot} answers one sample at once, and otherwise
     * the answer waits a second so that its {@code precpu_stats} give a CPU percentage, as dockerd's.
     */
    void stats(Request request, Response response) throws IOException, InterruptedException {
        String name = request.param("name");
        String streamParam = request.query("stream");
        boolean stream = streamParam == null || streamParam.isEmpty() || request.queryBool("stream");
        Map<String, Object> first = backend.stats(name, null); // 404 before any byte goes out
        if (!stream) {
            Map<String, Object> sample = first;
            if (!request.queryBool("one-shot") && backend.isRunning(name)) {
                Thread.sleep(INTERVAL_MILLIS);
                sample = backend.stats(name, first);
            }
            response.json(sample);
            return;
        }
        AtomicBoolean gone = new AtomicBoolean();
        request.onCancel(() -> gone.set(true));
        OutputStream out = response.stream("application/json");
        Map<String, Object> previous = null;
        Map<String, Object> sample = first;
        try {
            while (!gone.get()) {
                out.write(Json.MAPPER.writeValueAsBytes(sample));
                out.write('\n');
                out.flush();
                if (!backend.isRunning(name)) {
                    break;
                }
                Thread.sleep(INTERVAL_MILLIS);
                previous = sample;
                sample = backend.stats(name, previous);
            }
            out.close();
        } catch (IOException | dev.berth.daemon.http.ApiException e) {
            // the client hung up, or the container was removed: the stream ends
        }
    }
}
