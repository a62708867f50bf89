package dev.berth.daemon.api.network;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.berth.daemon.api.Filters;
import dev.berth.daemon.container.EndpointConfig;
import dev.berth.daemon.http.ApiException;
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
 * The Network tag: {@code GET /networks}, {@code GET} and {@code DELETE /networks/{id}},
 * {@code POST /networks/create}, {@code /networks/{id}/connect}, {@code /networks/{id}/disconnect}
 * and {@code /networks/prune}. Answers as dockerd's: create is 201 {@code {"Id","Warning"}},
 * remove 204, connect and disconnect 200 with no body.
 */
public final class NetworkRoutes implements RouteTable {
    static final Set<String> LIST_FILTERS = Set.of("driver", "id", "label", "name", "scope", "type", "dangling");
    static final Set<String> PRUNE_FILTERS = Set.of("label", "label!", "until");

    private final NetworkBackend backend;

    public NetworkRoutes(NetworkBackend backend) {
        this.backend = backend;
    }

    record IpamBody(@JsonProperty("Driver") String driver, @JsonProperty("Config") List<PoolBody> config,
            @JsonProperty("Options") Map<String, String> options) {}

    record PoolBody(@JsonProperty("Subnet") String subnet, @JsonProperty("IPRange") String ipRange,
            @JsonProperty("Gateway") String gateway) {}

    record CreateBody(@JsonProperty("Name") String name, @JsonProperty("Driver") String driver,
            @JsonProperty("Internal") boolean internal, @JsonProperty("Attachable") boolean attachable,
            @JsonProperty("IPAM") IpamBody ipam, @JsonProperty("Options") Map<String, String> options,
            @JsonProperty("Labels") Map<String, String> labels, @JsonProperty("EnableIPv6") Boolean enableIpv6) {}

    record ConnectBody(@JsonProperty("Container") String container,
            @JsonProperty("EndpointConfig") EndpointConfig endpointConfig, @JsonProperty("Force") boolean force) {}

    @Override
    public List<Route> routes() {
        return List.of(
                Route.get("/networks", (rq, rs) -> rs.json(backend.list(
                        Filters.parse(rq.query("filters")).validate(LIST_FILTERS)))),
                Route.post("/networks/create", this::create),
                Route.post("/networks/prune", this::prune),
                Route.get("/networks/{id}", (rq, rs) -> rs.json(backend.inspect(rq.param("id")))),
                Route.delete("/networks/{id}", (rq, rs) -> {
                    backend.remove(rq.param("id"));
                    rs.noContent();
                }),
                Route.post("/networks/{id}/connect", (rq, rs) -> {
                    ConnectBody body = body(rq, ConnectBody.class);
                    backend.connect(rq.param("id"), container(body), body.endpointConfig() == null
                            ? EndpointConfig.empty() : body.endpointConfig());
                    rs.status(200).bytes("text/plain; charset=utf-8", new byte[0]);
                }),
                Route.post("/networks/{id}/disconnect", (rq, rs) -> {
                    ConnectBody body = body(rq, ConnectBody.class);
                    backend.disconnect(rq.param("id"), container(body), body.force());
                    rs.status(200).bytes("text/plain; charset=utf-8", new byte[0]);
                }));
    }

    private static String container(ConnectBody body) {
        if (body.container() == null || body.container().isEmpty()) {
            throw ApiException.invalid("no container was given");
        }
        return body.container();
    }

    private static <T> T body(Request request, Class<T> type) throws IOException {
        T body = request.bodyJson(type);
        if (body == null) {
            throw ApiException.invalid("request body is empty");
        }
        return body;
    }

    void create(Request request, Response response) throws IOException {
        CreateBody body = body(request, CreateBody.class);
        List<NetworkBackend.IpamPool> pools = body.ipam() == null || body.ipam().config() == null ? List.of()
                : body.ipam().config().stream()
                        .map(p -> new NetworkBackend.IpamPool(p.subnet(), p.ipRange(), p.gateway())).toList();
        if (body.ipam() != null && body.ipam().driver() != null && !body.ipam().driver().isEmpty()
                && !body.ipam().driver().equals("default")) {
            throw ApiException.notFound("plugin \"" + body.ipam().driver() + "\" not found");
        }
        String id = backend.create(new NetworkBackend.CreateRequest(body.name(), body.driver(), body.internal(),
                body.attachable(), pools, body.options(), body.labels(), Boolean.TRUE.equals(body.enableIpv6())));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Id", id);
        out.put("Warning", "");
        response.json(201, out);
    }

    void prune(Request request, Response response) throws IOException {
        List<String> deleted = backend.prune(Filters.parse(request.query("filters")).validate(PRUNE_FILTERS));
        response.json(Map.of("NetworksDeleted", deleted));
    }
}
