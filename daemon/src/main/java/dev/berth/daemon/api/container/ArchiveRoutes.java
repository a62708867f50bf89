package dev.berth.daemon.api.container;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.Json;
import dev.berth.daemon.http.Request;
import dev.berth.daemon.http.Route;
import dev.berth.daemon.http.RouteTable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Base64;
import java.util.List;

/**
 * The Container tag's file routes: {@code HEAD}, {@code GET} and {@code PUT}
 * {@code /containers/{id}/archive} ({@code docker cp} both ways), {@code GET /export} and
 * {@code GET /changes} ({@code docker diff}). The path stat travels as base64 JSON in the
 * {@code X-Docker-Container-Path-Stat} header, which the docker CLI reads before it copies.
 */
public final class ArchiveRoutes implements RouteTable {
    static final String STAT_HEADER = "X-Docker-Container-Path-Stat";
    private static final String TAR = "application/x-tar";

    private final ArchiveBackend backend;

    public ArchiveRoutes(ArchiveBackend backend) {
        this.backend = backend;
    }

    /** {@code FilesystemChange} with Docker's field names. */
    record Change(@JsonProperty("Path") String path, @JsonProperty("Kind") int kind) {}

    @Override
    public List<Route> routes() {
        return List.of(
                Route.head("/containers/{name}/archive", (rq, rs) -> {
                    ArchiveBackend.PathStat stat = backend.stat(rq.param("name"), path(rq));
                    rs.header(STAT_HEADER, encode(stat));
                    rs.status(200).bytes(null, new byte[0]);
                }),
                Route.get("/containers/{name}/archive", (rq, rs) -> {
                    OutputStream[] out = new OutputStream[1];
                    backend.archive(rq.param("name"), path(rq), stat -> {
                        rs.header(STAT_HEADER, encode(stat));
                        out[0] = rs.stream(TAR);
                        return out[0];
                    });
                    out[0].close();
                }),
                Route.put("/containers/{name}/archive", (rq, rs) -> {
                    backend.extract(rq.param("name"), path(rq), rq.queryBool("noOverwriteDirNonDir"),
                            rq.queryBool("copyUIDGID"), rq.body());
                    rs.status(200).bytes(null, new byte[0]);
                }),
                Route.get("/containers/{name}/export", (rq, rs) -> {
                    OutputStream[] out = new OutputStream[1];
                    backend.export(rq.param("name"), stat -> out[0] = rs.stream(TAR));
                    out[0].close();
                }),
                Route.get("/containers/{name}/changes", (rq, rs) -> rs.json(backend.changes(rq.param("name"))
                        .stream().map(c -> new Change(c.path(), c.kind())).toList())));
    }

    private static String path(Request request) {
        String path = request.query("path");
        if (path == null || path.isEmpty()) {
            throw ApiException.invalid("Path cannot be empty");
        }
        return path;
    }

    /** Go's {@code json.Marshal} of {@code container.PathStat}, then standard base64, as dockerd sends it. */
    static String encode(ArchiveBackend.PathStat stat) throws IOException {
        return Base64.getEncoder().encodeToString(Json.MAPPER.writeValueAsBytes(stat));
    }
}
