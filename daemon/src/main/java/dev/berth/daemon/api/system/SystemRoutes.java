package dev.berth.daemon.api.system;

import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.http.Request;
import dev.berth.daemon.http.Response;
import dev.berth.daemon.http.Route;
import dev.berth.daemon.http.RouteTable;
import java.io.IOException;
import java.time.InstantSource;
import java.util.List;

/**
 * The System tag: {@code /_ping}, {@code /version}, {@code /info}, {@code /events},
 * {@code /system/df}. Clients call {@code /_ping} first and read its {@code API-Version} header
 * (every answer carries it) to choose the version of everything that follows.
 */
public final class SystemRoutes implements RouteTable {
    private final SystemBackend backend;
    private final EventBus events;

    public SystemRoutes(SystemBackend backend, EventBus events) {
        this.backend = backend;
        this.events = events;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/_ping", SystemRoutes::ping),
                Route.head("/_ping", SystemRoutes::ping),
                Route.get("/version", (rq, rs) -> rs.json(backend.version())),
                Route.get("/info", (rq, rs) -> rs.json(backend.info())),
                Route.get("/events", new EventsEndpoint(events, InstantSource.system())),
                Route.get("/system/df", new DataUsageEndpoint(backend)));
    }

    /** As dockerd: {@code OK}, never cached, with the builder and swarm state in headers. */
    static void ping(Request request, Response response) throws IOException {
        response.header("Cache-Control", "no-cache, no-store, must-revalidate")
                .header("Pragma", "no-cache")
                .header("Builder-Version", "1")
                .header("Swarm", "inactive");
        if (request.method().equals("HEAD")) {
            response.header("Content-Length", 0).text("");
        } else {
            response.text("OK");
        }
    }
}
