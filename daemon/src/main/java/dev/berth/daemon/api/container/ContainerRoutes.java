package dev.berth.daemon.api.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.daemon.api.Filters;
import dev.berth.daemon.http.Request;
import dev.berth.daemon.http.Response;
import dev.berth.daemon.http.Route;
import dev.berth.daemon.http.RouteTable;
import java.io.IOException;
import java.util.List;

/**
 * The Container tag's routes that this daemon serves so far: create, list, inspect, rename and
 * remove. An id, a name or a unique id prefix names a container in every path.
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
                }));
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
