package dev.berth.daemon.api.volume;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ApiVersion;
import dev.berth.daemon.http.Json;
import dev.berth.daemon.http.Request;
import dev.berth.daemon.http.Response;
import dev.berth.daemon.http.Route;
import dev.berth.daemon.http.RouteTable;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Volume tag: {@code GET /volumes}, {@code POST /volumes/create}, {@code GET} and
 * {@code DELETE /volumes/{name}}, {@code POST /volumes/prune}. Answers as dockerd's: the list is
 * {@code {"Volumes":[…],"Warnings":[]}}, create answers 201 with the volume, remove 204.
 */
public final class VolumeRoutes implements RouteTable {
    static final Set<String> LIST_FILTERS = Set.of("dangling", "name", "label", "driver");
    static final Set<String> PRUNE_FILTERS = Set.of("label", "label!", "all");
    /** From API 1.42 on, prune removes only anonymous volumes unless asked for {@code all}. */
    static final ApiVersion PRUNE_ANONYMOUS_ONLY = ApiVersion.of(1, 42);

    private final VolumeBackend backend;

    public VolumeRoutes(VolumeBackend backend) {
        this.backend = backend;
    }

    /** The request body of {@code POST /volumes/create}, with Docker's field names. */
    record CreateBody(@com.fasterxml.jackson.annotation.JsonProperty("Name") String name,
            @com.fasterxml.jackson.annotation.JsonProperty("Driver") String driver,
            @com.fasterxml.jackson.annotation.JsonProperty("DriverOpts") Map<String, String> driverOpts,
            @com.fasterxml.jackson.annotation.JsonProperty("Labels") Map<String, String> labels) {}

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/volumes", this::list),
                Route.post("/volumes/create", this::create),
                Route.post("/volumes/prune", this::prune),
                Route.get("/volumes/{name}", (rq, rs) -> rs.json(backend.inspect(rq.param("name")))),
                Route.delete("/volumes/{name}", (rq, rs) -> {
                    backend.remove(rq.param("name"), rq.queryBool("force"));
                    rs.noContent();
                }));
    }

    void list(Request request, Response response) throws IOException {
        Filters filters = Filters.parse(request.query("filters")).validate(LIST_FILTERS);
        for (String d : filters.get("dangling")) {
            if (!List.of("true", "false", "1", "0").contains(d)) {
                throw ApiException.invalid("invalid filter 'dangling=" + d + "'");
            }
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Volumes", backend.list(filters));
        body.put("Warnings", List.of());
        response.json(body);
    }

    void create(Request request, Response response) throws IOException {
        byte[] raw = request.body().readAllBytes();
        CreateBody body;
        try {
            body = raw.length == 0 ? new CreateBody(null, null, null, null) : Json.MAPPER.readValue(raw, CreateBody.class);
        } catch (IOException e) {
            throw ApiException.invalid("invalid JSON: " + e.getMessage());
        }
        if (body == null) {
            body = new CreateBody(null, null, null, null);
        }
        response.json(201, backend.create(new VolumeBackend.CreateRequest(body.name(), body.driver(), body.driverOpts(),
                body.labels())));
    }

    void prune(Request request, Response response) throws IOException {
        Filters filters = Filters.parse(request.query("filters")).validate(PRUNE_FILTERS);
        boolean all = request.version().isBefore(PRUNE_ANONYMOUS_ONLY);
        for (String a : filters.get("all")) {
            if (!List.of("true", "false", "1", "0").contains(a)) {
                throw ApiException.invalid("invalid filter 'all=" + a + "': must be a boolean value");
            }
            all = a.equals("true") || a.equals("1");
        }
        VolumeBackend.PruneReport report = backend.prune(filters, all);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("VolumesDeleted", report.volumesDeleted());
        body.put("SpaceReclaimed", report.spaceReclaimed());
        response.json(body);
    }
}
