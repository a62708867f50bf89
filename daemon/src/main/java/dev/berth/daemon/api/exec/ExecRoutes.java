package dev.berth.daemon.api.exec;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.daemon.api.container.ContainerRoutes;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.RawStreams;
import dev.berth.daemon.http.Request;
import dev.berth.daemon.http.Response;
import dev.berth.daemon.http.Route;
import dev.berth.daemon.http.RouteTable;
import java.io.IOException;
import java.util.List;

/**
 * The Exec tag's routes. A start that is not detached takes over the connection as attach does:
 * raw bytes with a terminal, Docker's stdcopy frames without one; the instance is checked and
 * reserved before the takeover, so that a bad start still gets an HTTP error.
 */
public final class ExecRoutes implements RouteTable {
    private final ExecBackend backend;

    public ExecRoutes(ExecBackend backend) {
        this.backend = backend;
    }

    /** {@code IDResponse}. */
    record Created(@JsonProperty("Id") String id) {}

    /** {@code ExecStartConfig}. */
    record StartConfig(@JsonProperty("Detach") Boolean detach, @JsonProperty("Tty") Boolean tty) {}

    @Override
    public List<Route> routes() {
        return List.of(
                Route.post("/containers/{name}/exec", (rq, rs) -> {
                    ExecRequest body = rq.bodyJson(ExecRequest.class);
                    if (body == null) {
                        throw ApiException.invalid("No exec command specified");
                    }
                    rs.json(201, new Created(backend.create(rq.param("name"), body)));
                }),
                Route.hijacking("POST", "/exec/{id}/start", this::start),
                Route.post("/exec/{id}/resize", (rq, rs) -> {
                    backend.resize(rq.param("id"), size(rq, "h"), size(rq, "w"));
                    rs.bytes("text/plain; charset=utf-8", new byte[0]);
                }),
                Route.get("/exec/{id}/json", (rq, rs) -> rs.json(backend.inspect(rq.param("id")))));
    }

    void start(Request request, Response response) throws IOException {
        String id = request.param("id");
        StartConfig config = request.bodyJson(StartConfig.class);
        boolean detach = config != null && Boolean.TRUE.equals(config.detach());
        boolean tty = backend.tty(id); // 404 before the connection is taken over
        backend.claim(id);
        if (detach) {
            backend.startDetached(id);
            response.bytes("application/json", new byte[0]);
            return;
        }
        ContainerRoutes.HijackSink sink = new ContainerRoutes.HijackSink(tty, true, true);
        request.onCancel(sink::cancel);
        RawStreams raw = response.hijack(tty ? "application/vnd.docker.raw-stream"
                : "application/vnd.docker.multiplexed-stream");
        sink.bind(raw);
        backend.startAttached(id, raw.input(), sink);
    }

    /** A resize's {@code h} or {@code w}, in dockerd's words when it is missing or not a number. */
    public static int size(Request request, String name) {
        String value = request.query(name);
        try {
            int n = Integer.parseInt(value == null ? "" : value);
            if (n < 0 || n > 0xffff) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("invalid resize " + (name.equals("h") ? "height" : "width") + " \""
                    + (value == null ? "" : value) + "\"");
        }
    }
}
