package dev.berth.daemon.api.network;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.container.EndpointConfig;
import java.util.List;
import java.util.Map;

/**
 * What the Network tag's routes need from the daemon's networks, in API shapes. Failures are
 * {@link dev.berth.daemon.http.ApiException}s in dockerd's words: {@code network x not found}
 * (404), {@code network with name x already exists} (409), a network with containers on remove
 * or a predefined one (403), a bad subnet or gateway (400).
 */
public interface NetworkBackend {
    /** {@code NetworkCreateRequest}; null fields were not given. */
    record CreateRequest(String name, String driver, boolean internal, boolean attachable, List<IpamPool> ipam,
            Map<String, String> options, Map<String, String> labels, boolean enableIpv6) {}

    /** One {@code IPAM.Config} entry: {@code --subnet}, {@code --ip-range}, {@code --gateway}. */
    record IpamPool(String subnet, String ipRange, String gateway) {}

    /** {@code GET /networks}: filters {@code driver}, {@code id}, {@code label}, {@code name}, {@code scope}, {@code type}, {@code dangling}. */
    List<Map<String, Object>> list(Filters filters);

    /** {@code GET /networks/{id}}, with its containers. */
    Map<String, Object> inspect(String nameOrId);

    /** {@code POST /networks/create}: the new network's id. */
    String create(CreateRequest request);

    /** {@code DELETE /networks/{id}}. */
    void remove(String nameOrId);

    /** {@code POST /networks/prune}: removes the user networks no container uses; their names. */
    List<String> prune(Filters filters);

    /** {@code POST /networks/{id}/connect}: at once for a running container, at its next start otherwise. */
    void connect(String network, String container, EndpointConfig endpoint);

    /** {@code POST /networks/{id}/disconnect}. */
    void disconnect(String network, String container, boolean force);
}
