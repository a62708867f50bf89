package dev.berth.daemon.api.image;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.daemon.http.Route;
import dev.berth.daemon.http.RouteTable;
import java.util.List;

/**
 * {@code POST /commit?container=…&repo=…&tag=…&comment=…&author=…&pause=…&changes=…}
 * ({@code docker commit}): answers 201 with the new image's id ({@code IDResponse}).
 */
public final class CommitRoutes implements RouteTable {
    private final CommitBackend backend;

    public CommitRoutes(CommitBackend backend) {
        this.backend = backend;
    }

    /** {@code IDResponse}. */
    record Committed(@JsonProperty("Id") String id) {}

    @Override
    public List<Route> routes() {
        return List.of(Route.post("/commit", (rq, rs) -> {
            String pause = rq.query("pause");
            CommitBackend.CommitRequest request = new CommitBackend.CommitRequest(orEmpty(rq.query("container")),
                    orEmpty(rq.query("repo")), orEmpty(rq.query("tag")), orEmpty(rq.query("comment")),
                    orEmpty(rq.query("author")), pause == null || pause.isEmpty() || rq.queryBool("pause"),
                    rq.queryAll("changes"));
            rs.json(201, new Committed(backend.commit(request, rq.body().readAllBytes())));
        }));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
