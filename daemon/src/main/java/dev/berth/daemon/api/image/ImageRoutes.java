package dev.berth.daemon.api.image;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ApiVersion;
import dev.berth.daemon.http.JsonLines;
import dev.berth.daemon.http.Request;
import dev.berth.daemon.http.Response;
import dev.berth.daemon.http.Route;
import dev.berth.daemon.http.RouteTable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Image tag: list, inspect, history, tag, delete, import ({@code POST /images/create} with
 * {@code fromSrc}), load, save and prune. Names may contain slashes, so the routes with a name
 * take the rest of the path ({@code /images/{name:.*}/json}); the fixed paths come first, and
 * win, as in moby's router.
 *
 * <p>Streamed answers (import, load) do the work before the stream starts, so a failure is an
 * ordinary error status that the docker CLI prints as {@code Error response from daemon: …}.
 * Pull ({@code POST /images/create?fromImage=…}) and push stream progress as it comes (see
 * {@link #streamProgress}); {@code POST /auth} checks {@code docker login} credentials.
 */
public final class ImageRoutes implements RouteTable {
    /** {@code VirtualSize} left the image summary in API 1.44. */
    static final ApiVersion NO_VIRTUAL_SIZE = ApiVersion.of(1, 44);
    static final Set<String> LIST_FILTERS = Set.of("dangling", "label", "before", "since", "reference", "until");
    static final String REGISTRY_AUTH = "X-Registry-Auth";
    static final Set<String> PRUNE_FILTERS = Set.of("dangling", "label", "label!", "until");
    /** dockerd's search filters; {@code is-automated} is deprecated (true finds nothing). */
    static final Set<String> SEARCH_FILTERS = Set.of("is-automated", "is-official", "stars");

    private final ImageBackend backend;

    public ImageRoutes(ImageBackend backend) {
        this.backend = backend;
    }

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/images/json", this::list),
                Route.post("/images/create", this::create),
                Route.post("/images/load", this::load),
                Route.get("/images/get", (rq, rs) -> save(names(rq.queryAll("names")), rs)),
                Route.post("/images/prune", this::prune),
                Route.get("/images/search", this::search),
                Route.get("/images/{name:.*}/json", (rq, rs) -> rs.json(backend.inspect(rq.param("name")))),
                Route.get("/images/{name:.*}/history", (rq, rs) -> rs.json(backend.history(rq.param("name")))),
                Route.get("/images/{name:.*}/get", (rq, rs) -> save(List.of(rq.param("name")), rs)),
                Route.post("/images/{name:.*}/tag", this::tag),
                Route.post("/images/{name:.*}/push", this::push),
                Route.post("/auth", (rq, rs) -> {
                    // Docker's answer; IdentityToken only for registries that issue refresh tokens.
                    Map<String, String> body = new java.util.LinkedHashMap<>();
                    body.put("Status", backend.login(rq.body().readAllBytes()));
                    body.put("IdentityToken", "");
                    rs.json(body);
                }),
                Route.delete("/images/{name:.*}", (rq, rs) -> rs.json(
                        backend.delete(rq.param("name"), rq.queryBool("force"), rq.queryBool("noprune")))));
    }

    void list(Request request, Response response) throws IOException {
        Filters filters = Filters.parse(request.query("filters")).validate(LIST_FILTERS);
        List<ImageSummary> images = backend.list(filters, request.queryBool("all"));
        if (request.version().isBefore(NO_VIRTUAL_SIZE)) {
            images = images.stream().map(ImageSummary::withVirtualSize).toList();
        }
        response.json(images);
    }

    /** Pull ({@code fromImage}) or import ({@code fromSrc}). */
    void create(Request request, Response response) throws IOException {
        String fromImage = request.query("fromImage");
        String fromSrc = request.query("fromSrc");
        if (fromImage != null && !fromImage.isEmpty()) {
            String tag = orEmpty(request.query("tag"));
            String ref = tag.isEmpty() ? fromImage : fromImage + (tag.startsWith("sha256:") ? "@" : ":") + tag;
            streamProgress(response, sink -> backend.pull(ref, orEmpty(request.query("platform")),
                    request.header(REGISTRY_AUTH), sink));
            return;
        }
        if (fromSrc == null || fromSrc.isEmpty()) {
            throw ApiException.invalid("fromImage or fromSrc is required");
        }
        if (!fromSrc.equals("-")) {
            throw ApiException.notImplemented("import from " + fromSrc
                    + ": only a tarball in the request body (fromSrc=-) can be imported");
        }
        ImportRequest req = new ImportRequest(orEmpty(request.query("repo")), orEmpty(request.query("tag")),
                orEmpty(request.query("message")), request.queryAll("changes"), orEmpty(request.query("platform")));
        String id = backend.importTarball(request.body(), req);
        try (JsonLines out = response.jsonLines("application/json")) {
            out.send(Map.of("status", id));
        }
    }

    void push(Request request, Response response) throws IOException {
        String name = request.param("name");
        String tag = orEmpty(request.query("tag"));
        streamProgress(response, sink -> backend.push(name, tag, request.header(REGISTRY_AUTH), sink));
    }

    /**
     * Runs a pull or push whose messages are streamed as JSON lines, the response starting with
     * the first message. A failure before it is an ordinary error status ({@code Error response
     * from daemon: …}); after it, a final error message, as dockerd's stream formatter writes it,
     * which the docker CLI prints before exiting 1.
     */
    static void streamProgress(Response response, java.util.function.Consumer<ProgressSink> work) throws IOException {
        JsonLines[] out = new JsonLines[1];
        ProgressSink sink = message -> {
            try {
                if (out[0] == null) {
                    out[0] = response.jsonLines("application/json");
                }
                out[0].send(message);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        try {
            work.accept(sink);
        } catch (RuntimeException e) {
            if (out[0] == null) {
                throw e;
            }
            if (e instanceof java.io.UncheckedIOException) {
                throw e; // the client went away: nothing more can be sent
            }
            String message = dev.berth.daemon.http.ErrorResponses.messageOf(e);
            Map<String, Object> error = new java.util.LinkedHashMap<>();
            error.put("errorDetail", Map.of("message", message));
            error.put("error", message);
            out[0].send(error);
        }
        if (out[0] != null) {
            out[0].close();
        }
    }

    void load(Request request, Response response) throws IOException {
        // quiet only silences progress, which a load does not send: the lines are always sent, as
        // dockerd does (the CLI asks for quiet whenever its output is not a terminal).
        List<String> lines = backend.load(request.body());
        try (JsonLines out = response.jsonLines("application/json")) {
            for (String line : lines) {
                out.send(Map.of("stream", line + "\n"));
            }
        }
    }

    void save(List<String> names, Response response) throws IOException {
        if (names.isEmpty()) {
            throw ApiException.invalid("no image names given to save");
        }
        backend.checkSavable(names);
        try (OutputStream out = response.stream("application/x-tar")) {
            backend.save(names, out);
        }
    }

    void tag(Request request, Response response) throws IOException {
        String repo = orEmpty(request.query("repo"));
        if (repo.isEmpty()) {
            throw ApiException.invalid("repository name (repo parameter) is required");
        }
        backend.tag(request.param("name"), repo, orEmpty(request.query("tag")));
        response.status(201).bytes(null, new byte[0]);
    }

    void search(Request request, Response response) throws IOException {
        String limitText = orEmpty(request.query("limit")).trim();
        int limit = 0;
        if (!limitText.isEmpty()) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 0) {
                throw ApiException.invalid("invalid limit specified: " + limitText);
            }
        }
        Filters filters = Filters.parse(request.query("filters")).validate(SEARCH_FILTERS);
        response.json(backend.search(orEmpty(request.query("term")), limit, filters, request.header(REGISTRY_AUTH)));
    }

    void prune(Request request, Response response) throws IOException {
        Filters filters = Filters.parse(request.query("filters")).validate(PRUNE_FILTERS);
        response.json(backend.prune(filters));
    }

    /** {@code names} may be repeated or, from old clients, comma-separated. */
    private static List<String> names(List<String> given) {
        List<String> out = new ArrayList<>();
        for (String g : given) {
            for (String n : g.split(",")) {
                if (!n.isBlank()) {
                    out.add(n.trim());
                }
            }
        }
        return out;
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }
}
