package dev.berth.daemon.network;

import dev.berth.daemon.api.Filters;
import dev.berth.daemon.api.network.NetworkBackend;
import dev.berth.daemon.container.ContainerNames;
import dev.berth.daemon.container.ContainerRecord;
import dev.berth.daemon.container.EndpointConfig;
import dev.berth.daemon.events.EventBus;
import dev.berth.daemon.events.EventType;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import dev.berth.network.ipam.Ipam;
import dev.berth.network.ipam.NetworkAddressing;
import dev.berth.network.ipam.Subnet;
import java.net.Inet4Address;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The Network tag's backend: the predefined {@code bridge}, {@code host} and {@code none}
 * networks and the user's bridge networks, each with its subnet in the {@link Ipam}, its bridge
 * and nftables table on the host ({@link BridgePlumbing}), and its containers found through the
 * {@link Sandboxes}. Create makes the kernel objects before the record and undoes them when the
 * record cannot be written; remove takes the record first, so a crash in between leaves a
 * bridge without a network, which {@link #reconcile} removes at the next start.
 */
public final class NetworkService implements NetworkBackend {
    /** moby's {@code RestrictedNamePattern}, which network names follow. */
    private static final Pattern VALID_NAME = Pattern.compile("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$");
    static final String BRIDGE_NAME_OPTION = "com.docker.network.bridge.name";

    private final NetworkStore store;
    private final Ipam ipam;
    private final BridgePlumbing plumbing;
    private final Sandboxes sandboxes;
    private final ContainerDirectory containers;
    private final EventBus events;
    private final NetworkDefaults defaults;

    NetworkService(NetworkStore store, Ipam ipam, BridgePlumbing plumbing, Sandboxes sandboxes,
            ContainerDirectory containers, EventBus events, NetworkDefaults defaults) {
        this.defaults = defaults;
        this.store = store;
        this.ipam = ipam;
        this.plumbing = plumbing;
        this.sandboxes = sandboxes;
        this.containers = containers;
        this.events = events;
    }

    /** The predefined networks, made on first start: {@code bridge} (unless disabled), {@code host}, {@code none}. */
    void predefine() {
        if (store.byName("host").isEmpty()) {
            store.save(builtin("host", "host", null, null));
        }
        if (store.byName("none").isEmpty()) {
            store.save(builtin("none", "null", null, null));
        }
        Optional<Network> bridge = store.byName("bridge");
        if (defaults.bridge() == null) {
            bridge.ifPresent(b -> {
                plumbing.removeBridge(b);
                IpamCalls.run(() -> ipam.removeNetwork(b.id()));
                store.remove(b.id());
            });
            return;
        }
        if (bridge.isPresent() && (!bridge.get().bridge().equals(defaults.bridge())
                || (defaults.bip() != null && !defaults.bip().equals(bridge.get().gateway() + "/"
                        + Subnet.parse(bridge.get().subnet()).prefixLength())))) {
            // --bridge or --bip changed since the network was made: made again, as dockerd does
            Network old = bridge.get();
            plumbing.removeBridge(old);
            IpamCalls.run(() -> ipam.removeNetwork(old.id()));
            store.remove(bridge.get().id());
            bridge = Optional.empty();
        }
        if (bridge.isEmpty()) {
            Network n = builtin("bridge", "bridge", defaults.bridge(), null);
            NetworkAddressing addressing = defaults.bip() != null ? bipAddressing(n.id(), defaults.bip())
                    : fromPools(n.id());
            Map<String, String> options = new LinkedHashMap<>();
            options.put("com.docker.network.bridge.default_bridge", "true");
            options.put("com.docker.network.bridge.enable_icc", "true");
            options.put("com.docker.network.bridge.enable_ip_masquerade", "true");
            options.put("com.docker.network.bridge.host_binding_ipv4", "0.0.0.0");
            options.put(BRIDGE_NAME_OPTION, defaults.bridge());
            options.put("com.docker.network.driver.mtu", "1500");
            store.save(new Network(n.id(), "bridge", "bridge", n.created(), defaults.bridge(),
                    addressing.subnet().toString(), addressing.gateway().getHostAddress(), null, false, false, true,
                    Map.of(), options));
        }
    }

    private NetworkAddressing bipAddressing(String id, String bip) {
        int slash = bip.indexOf('/');
        Inet4Address gateway = address(bip.substring(0, slash), "--bip");
        Subnet subnet = Subnet.enclosing(gateway, Integer.parseInt(bip.substring(slash + 1)));
        return IpamCalls.call(() -> ipam.addNetwork(id, subnet, null, gateway));
    }

    /** The first subnet of the default pools that no other network and no route of the host covers, as dockerd chooses. */
    private NetworkAddressing fromPools(String id) {
        return IpamCalls.call(() -> ipam.addNetwork(id, null, null, null));
    }

    private static Network builtin(String name, String driver, String bridge, String subnet) {
        return new Network(ContainerNames.newId(), name, driver, Instant.now().toString(), bridge, subnet, null, null,
                false, false, true, Map.of(), Map.of());
    }

    /** At start, before anything else: the networks' subnets, registered in the (in-memory) IPAM from their records. */
    void registerSubnets() {
        for (Network n : store.all()) {
            if (n.isBridge() && ipam.network(n.id()).isEmpty()) {
                Subnet range = n.ipRange() == null ? null : Subnet.parse(n.ipRange());
                IpamCalls.call(() -> ipam.addNetwork(n.id(), Subnet.parse(n.subnet()), range,
                        address(n.gateway(), "gateway")));
            }
        }
    }

    /** At start: every bridge network's bridge and table, as the records say; tables of gone networks removed. */
    void reconcile() {
        List<String> bridges = new ArrayList<>();
        for (Network n : store.all()) {
            if (n.isBridge()) {
                plumbing.ensureBridge(n);
                bridges.add(n.bridge());
            }
        }
        plumbing.removeOrphanTables(bridges);
    }

    Network get(String nameOrId) {
        return store.get(nameOrId);
    }

    Optional<Network> find(String nameOrId) {
        return store.find(nameOrId);
    }

    Optional<Network> defaultBridge() {
        return store.byName("bridge").filter(Network::isBridge);
    }

    @Override
    public List<Map<String, Object>> list(Filters filters) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Network n : store.all()) {
            if (matches(n, filters)) {
                out.add(view(n, false));
            }
        }
        return out;
    }

    private boolean matches(Network n, Filters f) {
        if (f.contains("driver") && !f.get("driver").contains(n.driver())) {
            return false;
        }
        if (f.contains("id") && f.get("id").stream().noneMatch(n.id()::startsWith)) {
            return false;
        }
        if (f.contains("name") && f.get("name").stream().noneMatch(n.name()::contains)) {
            return false;
        }
        if (f.contains("scope") && !f.get("scope").contains("local")) {
            return false;
        }
        if (f.contains("type")) {
            for (String t : f.get("type")) {
                if (!t.equals("custom") && !t.equals("builtin")) {
                    throw ApiException.invalid("invalid filter: 'type'='" + t + "'");
                }
            }
            if (!f.get("type").contains(n.builtin() ? "builtin" : "custom")) {
                return false;
            }
        }
        if (f.contains("label") && !f.get("label").stream().allMatch(l -> label(n.labels(), l))) {
            return false;
        }
        if (f.contains("dangling")) {
            boolean dangling = f.get("dangling").contains("true") || f.get("dangling").contains("1");
            boolean unused = !n.builtin() && !inUse(n);
            return dangling == unused;
        }
        return true;
    }

    private static boolean label(Map<String, String> labels, String filter) {
        int eq = filter.indexOf('=');
        return eq < 0 ? labels.containsKey(filter) : filter.substring(eq + 1).equals(labels.get(filter.substring(0, eq)));
    }

    private boolean inUse(Network n) {
        return !sandboxes.endpointsOn(n.id()).isEmpty();
    }

    @Override
    public Map<String, Object> inspect(String nameOrId) {
        return view(store.get(nameOrId), true);
    }

    /** dockerd's {@code NetworkResource}. */
    private Map<String, Object> view(Network n, boolean withContainers) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("Name", n.name());
        out.put("Id", n.id());
        out.put("Created", n.created());
        out.put("Scope", "local");
        out.put("Driver", n.driver());
        out.put("EnableIPv4", true);
        out.put("EnableIPv6", false);
        Map<String, Object> ipamView = new LinkedHashMap<>();
        ipamView.put("Driver", "default");
        ipamView.put("Options", null);
        List<Map<String, String>> config = new ArrayList<>();
        if (n.subnet() != null) {
            Map<String, String> pool = new LinkedHashMap<>();
            pool.put("Subnet", n.subnet());
            if (n.ipRange() != null) {
                pool.put("IPRange", n.ipRange());
            }
            pool.put("Gateway", n.gateway());
            config.add(pool);
        }
        ipamView.put("Config", config);
        out.put("IPAM", ipamView);
        out.put("Internal", n.internal());
        out.put("Attachable", n.attachable());
        out.put("Ingress", false);
        out.put("ConfigFrom", Map.of("Network", ""));
        out.put("ConfigOnly", false);
        Map<String, Object> members = new LinkedHashMap<>();
        if (withContainers) {
            for (Sandboxes.Member m : sandboxes.endpointsOn(n.id())) {
                Map<String, String> e = new LinkedHashMap<>();
                e.put("Name", m.name());
                e.put("EndpointID", m.endpoint().endpointId());
                e.put("MacAddress", m.endpoint().mac());
                e.put("IPv4Address", m.endpoint().address() + "/" + m.endpoint().prefixLength());
                e.put("IPv6Address", "");
                members.put(m.containerId(), e);
            }
        }
        out.put("Containers", members);
        out.put("Options", n.options());
        out.put("Labels", n.labels());
        return out;
    }

    @Override
    public String create(CreateRequest request) {
        String name = request.name() == null ? "" : request.name();
        if (name.isEmpty()) {
            throw ApiException.invalid("network name must not be empty");
        }
        if (!VALID_NAME.matcher(name).matches()) {
            throw ApiException.invalid("invalid network name \"" + name + "\": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
        }
        String driver = request.driver() == null || request.driver().isEmpty() ? "bridge" : request.driver();
        if (driver.equals("host") || driver.equals("null")) {
            throw new ApiException(ErrorKind.PERMISSION_DENIED, "only one instance of \"" + driver + "\" network is allowed");
        }
        if (!driver.equals("bridge")) {
            throw ApiException.notFound("plugin \"" + driver + "\" not found");
        }
        if (request.enableIpv6()) {
            throw ApiException.notImplemented("network " + name + ": IPv6 networks are not supported by berthd");
        }
        List<IpamPool> pools = request.ipam().stream().filter(p -> p.subnet() == null || !p.subnet().contains(":")).toList();
        if (pools.size() < request.ipam().size()) {
            throw ApiException.notImplemented("network " + name + ": IPv6 subnets are not supported by berthd");
        }
        if (pools.size() > 1) {
            throw ApiException.notImplemented("network " + name + ": more than one IPv4 subnet is not supported by berthd");
        }
        synchronized (store) {
            if (store.byName(name).isPresent()) {
                throw ApiException.conflict("network with name " + name + " already exists");
            }
            String id = ContainerNames.newId();
            Map<String, String> options = request.options() == null ? Map.of() : request.options();
            String bridge = options.getOrDefault(BRIDGE_NAME_OPTION, "br-" + id.substring(0, 12));
            if (bridge.isEmpty() || bridge.length() > 15 || bridge.contains("/") || bridge.contains(" ")) {
                throw ApiException.invalid("invalid bridge name \"" + bridge + "\": at most 15 characters, no / or space");
            }
            if (store.all().stream().anyMatch(n -> bridge.equals(n.bridge()))) {
                throw ApiException.conflict("bridge name " + bridge + " is used by another network");
            }
            IpamPool pool = pools.isEmpty() ? new IpamPool(null, null, null) : pools.getFirst();
            if (pool.subnet() == null && (pool.ipRange() != null || pool.gateway() != null)) {
                throw ApiException.invalid("network " + name + ": --ip-range and --gateway need a --subnet");
            }
            NetworkAddressing addressing = pool.subnet() == null ? fromPools(id) : addNetwork(id, pool);
            Network n = new Network(id, name, "bridge", Instant.now().toString(), bridge,
                    addressing.subnet().toString(), addressing.gateway().getHostAddress(),
                    addressing.ipRange() == null ? null : addressing.ipRange().toString(), request.internal(),
                    request.attachable(), false, request.labels(), options);
            boolean done = false;
            try {
                plumbing.ensureBridge(n);
                store.save(n);
                done = true;
            } finally {
                if (!done) {
                    plumbing.removeBridge(n);
                    IpamCalls.run(() -> ipam.removeNetwork(id));
                }
            }
            events.publish(EventType.NETWORK, "create", id, Map.of("name", name, "type", "bridge"));
            return id;
        }
    }

    private NetworkAddressing addNetwork(String id, IpamPool pool) {
        Subnet subnet;
        Subnet range;
        try {
            subnet = Subnet.parse(pool.subnet());
            range = pool.ipRange() == null || pool.ipRange().isEmpty() ? null : Subnet.parse(pool.ipRange());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(e.getMessage());
        }
        Inet4Address gateway = pool.gateway() == null || pool.gateway().isEmpty() ? null
                : address(pool.gateway(), "gateway");
        return IpamCalls.call(() -> ipam.addNetwork(id, subnet, range, gateway));
    }

    /** A dotted-quad IPv4 address, strictly (no {@code 10.1}, no name lookup); 400 naming {@code what} otherwise. */
    static Inet4Address address(String text, String what) {
        try {
            return Subnet.parseAddress(text, text);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("invalid " + what + " address: " + text);
        }
    }

    @Override
    public void remove(String nameOrId) {
        Network n = store.get(nameOrId);
        if (n.builtin()) {
            throw new ApiException(ErrorKind.PERMISSION_DENIED, n.name() + " is a pre-defined network and cannot be removed");
        }
        synchronized (store) {
            if (inUse(n)) {
                throw new ApiException(ErrorKind.PERMISSION_DENIED, "error while removing network: network " + n.name()
                        + " id " + n.id() + " has active endpoints");
            }
            store.remove(n.id());
            plumbing.removeBridge(n);
            IpamCalls.run(() -> ipam.removeNetwork(n.id()));
        }
        events.publish(EventType.NETWORK, "destroy", n.id(), Map.of("name", n.name(), "type", n.driver()));
    }

    @Override
    public List<String> prune(Filters filters) {
        List<String> removed = new ArrayList<>();
        for (Network n : store.all()) {
            if (n.builtin() || inUse(n)) {
                continue;
            }
            if (filters.contains("label") && !filters.get("label").stream().allMatch(l -> label(n.labels(), l))) {
                continue;
            }
            if (filters.contains("label!") && filters.get("label!").stream().anyMatch(l -> label(n.labels(), l))) {
                continue;
            }
            try {
                remove(n.id());
                removed.add(n.name());
            } catch (ApiException e) {
                // a container joined it meanwhile: it stays
            }
        }
        return removed;
    }

    @Override
    public void connect(String network, String container, EndpointConfig endpoint) {
        Network n = store.get(network);
        ContainerRecord r = containers.get(container);
        if (!n.isBridge()) {
            throw new ApiException(ErrorKind.PERMISSION_DENIED, "container cannot be disconnected from host network or"
                    + " connected to host network");
        }
        String mode = r.hostConfig().networkMode() == null ? "" : r.hostConfig().networkMode();
        if (mode.equals("host") || mode.equals("none") || mode.startsWith("container:")) {
            throw new ApiException(ErrorKind.PERMISSION_DENIED, "container sharing network namespace with another"
                    + " container or host cannot be connected to any other network");
        }
        EndpointPlan.checkEndpoint(n, endpoint);
        if (r.networks().containsKey(n.name())) {
            throw new ApiException(ErrorKind.PERMISSION_DENIED, "endpoint with name " + r.shortName()
                    + " already exists in network " + n.name());
        }
        ContainerRecord now = containers.updateNetworks(r.id(), nets -> {
            Map<String, EndpointConfig> next = new LinkedHashMap<>(nets);
            next.put(n.name(), endpoint);
            return next;
        });
        if (now.state().status().equals("running") || now.state().status().equals("paused")) {
            try {
                sandboxes.plug(now, n, endpoint);
            } catch (RuntimeException e) {
                containers.updateNetworks(r.id(), nets -> {
                    Map<String, EndpointConfig> next = new LinkedHashMap<>(nets);
                    next.remove(n.name());
                    return next;
                });
                throw e;
            }
        }
        events.publish(EventType.NETWORK, "connect", n.id(), Map.of("name", n.name(), "type", n.driver(),
                "container", r.id()));
    }

    @Override
    public void disconnect(String network, String container, boolean force) {
        Network n = store.get(network);
        ContainerRecord r = containers.get(container);
        if (!r.networks().containsKey(n.name())) {
            throw new ApiException(ErrorKind.PERMISSION_DENIED, "container " + r.id() + " is not connected to network "
                    + n.name());
        }
        containers.updateNetworks(r.id(), nets -> {
            Map<String, EndpointConfig> next = new LinkedHashMap<>(nets);
            next.remove(n.name());
            return next;
        });
        sandboxes.unplug(r.id(), n);
        events.publish(EventType.NETWORK, "disconnect", n.id(), Map.of("name", n.name(), "type", n.driver(),
                "container", r.id()));
    }
}
