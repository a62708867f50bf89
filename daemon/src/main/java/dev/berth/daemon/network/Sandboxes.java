package dev.berth.daemon.network;

import dev.berth.daemon.container.ContainerConfig;
import dev.berth.daemon.container.ContainerNames;
import dev.berth.daemon.container.ContainerNetworks;
import dev.berth.daemon.container.ContainerRecord;
import dev.berth.daemon.container.EndpointConfig;
import dev.berth.daemon.container.HostConfig;
import dev.berth.daemon.http.ApiException;
import dev.berth.daemon.http.ErrorKind;
import dev.berth.daemon.http.Json;
import dev.berth.image.content.DurableFiles;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.NetNamespace;
import dev.berth.network.dns.ResolvConf;
import dev.berth.runtime.StartTrace;
import dev.berth.network.ipam.Ipam;
import dev.berth.network.ipam.Subnet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Logger;

/**
 * The containers' side of the networks: for each running container on a bridge network, a
 * network namespace pinned under {@code <exec-root>/netns/<id>}, a veth pair per network with
 * its address from the {@link Ipam}, its default route, its published ports and, on user
 * networks, the embedded DNS listening inside it. The {@link SandboxRecord} is written before
 * anything is made and removed after everything is undone, so that whatever a crash leaves is
 * found and taken down: at the next start for containers that died meanwhile, at once for a
 * start that failed half way.
 */
public final class Sandboxes implements ContainerNetworks {
    private static final Logger LOG = Logger.getLogger(Sandboxes.class.getName());

    private final NetworkStore networks;
    private final Ipam ipam;
    private final BridgePlumbing plumbing;
    private final PortPublisher ports;
    private final ContainerDns dns;
    private final Path records;
    private final Path pins;
    private final Map<String, SandboxRecord> live = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    Sandboxes(NetworkStore networks, Ipam ipam, BridgePlumbing plumbing, PortPublisher ports, ContainerDns dns,
            Path execRoot) throws IOException {
        this.networks = networks;
        this.ipam = ipam;
        this.plumbing = plumbing;
        this.ports = ports;
        this.dns = dns;
        this.records = Files.createDirectories(execRoot.resolve("network").resolve("sandboxes"));
        this.pins = Files.createDirectories(execRoot.resolve("netns"));
    }

    /** One container's endpoint on a network, for {@code docker network inspect}. */
    record Member(String containerId, String name, SandboxRecord.Endpoint endpoint) {}

    /**
     * At start: the sandboxes a previous daemon left, their addresses claimed again in the IPAM
     * and their proxies and DNS served again. Those whose containers died meanwhile are detached
     * when the container code settles them ({@link #retain} takes whatever it does not claim).
     */
    void restore() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(records)) {
            for (Path f : files) {
                if (f.getFileName().toString().startsWith(DurableFiles.TEMP_PREFIX)) {
                    Files.deleteIfExists(f);
                    continue;
                }
                try {
                    SandboxRecord read = Json.MAPPER.readValue(Files.readAllBytes(f), SandboxRecord.class);
                    // the record written before the veths were made has no MACs; they follow from the addresses
                    SandboxRecord s = read.withEndpoints(read.endpoints().stream().map(e -> e.mac() == null || e.mac().isEmpty()
                            ? e.withMac(BridgePlumbing.macFor(NetworkService.address(e.address(), "IPv4")).toString())
                            : e).toList());
                    live.put(s.containerId(), s);
                    for (SandboxRecord.Endpoint e : s.endpoints()) {
                        IpamCalls.call(() -> ipam.allocate(e.networkId(), NetworkService.address(e.address(), "IPv4"),
                                s.containerId()));
                    }
                    for (SandboxRecord.PublishedPort p : s.ports()) {
                        ports.restore(p);
                    }
                    if (onUserNetwork(s)) {
                        try (NetNamespace ns = NetNamespace.open(Path.of(s.namespace()))) {
                            dns.register(s.containerId(), ns, lookupFor(s.containerId()), upstreams(s));
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    LOG.warning("sandbox " + f + ": cannot serve it again: " + e.getMessage());
                }
            }
        }
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(pins)) {
            for (Path p : stale) {
                if (!live.containsKey(p.getFileName().toString())) {
                    deletePin(p);
                }
            }
        }
    }

    @Override
    public void retain(java.util.Set<String> running) {
        for (String id : List.copyOf(live.keySet())) {
            if (!running.contains(id)) {
                detach(id); // a start that a killed daemon never finished, or a container gone meanwhile
            }
        }
        ports.removeOrphans(networks.all().stream().filter(Network::isBridge).map(Network::bridge).toList(),
                live.values());
    }

    // ---- create

    @Override
    public Map<String, EndpointConfig> plan(HostConfig hc, ContainerConfig config, Map<String, EndpointConfig> requested) {
        return new EndpointPlan(networks).plan(hc, config, requested);
    }

    // ---- start and end

    @Override
    public Attachment attach(ContainerRecord r) {
        if (r.networks().isEmpty()) {
            return null;
        }
        String id = r.id();
        synchronized (lockOf(id)) {
            detach(id); // what a crashed start may have left
            List<Network> joined = new ArrayList<>();
            for (String name : r.networks().keySet()) {
                joined.add(networks.find(name).orElseThrow(() -> ApiException.notFound(
                        "failed to set up container networking: network " + name + " not found")));
            }
            Path pin = pins.resolve(id);
            SandboxRecord s = new SandboxRecord(id, r.shortName(), hostname(r), pin.toString(), List.of(), List.of(),
                    List.of());
            try {
                List<SandboxRecord.Endpoint> endpoints = new ArrayList<>();
                for (Network n : joined) {
                    endpoints.add(endpoint(id, n, r.networks().get(n.name()), "eth" + endpoints.size()));
                }
                s = s.withEndpoints(endpoints);
                StartTrace.mark("allocate addresses");
                save(s); // before any kernel object: a crash from here on is undone from the record
                live.put(id, s);
                StartTrace.mark("write sandbox");
                try (NetNamespace ns = NetNamespace.create(pin)) {
                    StartTrace.mark("create namespace");
                    boolean routed = false;
                    List<SandboxRecord.Endpoint> plugged = new ArrayList<>();
                    for (int i = 0; i < joined.size(); i++) {
                        Network n = joined.get(i);
                        boolean route = !routed && !n.internal();
                        plugged.add(plumbing.plug(ns, n, endpoints.get(i), route));
                        routed |= route;
                    }
                    s = s.withEndpoints(plugged);
                    live.put(id, s);
                    StartTrace.mark("plug veths");
                    List<SandboxRecord.PublishedPort> published = new ArrayList<>();
                    Network firstNetwork = joined.getFirst();
                    // dockerd publishes nothing from an internal network. A daemon killed before the
                    // record below has these leaves DNAT entries that retain() sweeps at its next
                    // start; the proxies die with it.
                    for (PortRequest p : firstNetwork.internal() ? List.<PortRequest>of()
                            : PortRequest.of(r.hostConfig(), r.config())) {
                        published.add(ports.publish(p, plugged.getFirst().address(), firstNetwork.bridge()));
                        s = s.withPorts(published);
                        live.put(id, s);
                    }
                    StartTrace.mark("publish ports");
                    boolean userNetwork = onUserNetwork(s);
                    ResolvConf.Generated resolv = ResolvConf.forContainer(hostResolvConf(), overrides(r.hostConfig()),
                            userNetwork);
                    StartTrace.mark("resolv.conf");
                    if (userNetwork) {
                        s = s.withDnsUpstreams(resolv.upstreams().stream()
                                .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).toList());
                        live.put(id, s);
                        dns.register(id, ns, lookupFor(id), resolv.upstreams());
                    }
                    if (!s.ports().isEmpty() || !s.dnsUpstreams().isEmpty()) {
                        save(s); // what a restarted daemon serves again
                    }
                    return new Attachment(pin.toString(), hostsEntries(r, s), resolv.text());
                }
            } catch (RuntimeException | IOException e) {
                live.put(id, s);
                detach(id);
                if (e instanceof ApiException a) {
                    throw a;
                }
                throw new ApiException(ErrorKind.INTERNAL, "set up the network of " + id + ": " + e.getMessage(), e);
            }
        }
    }

    /** The lowest {@code ethN} the container does not use: a disconnect may have left a gap. */
    private static String freeInterfaceName(SandboxRecord s) {
        for (int i = 0; ; i++) {
            String name = "eth" + i;
            if (s.endpoints().stream().noneMatch(e -> e.interfaceName().equals(name))) {
                return name;
            }
        }
    }

    private SandboxRecord.Endpoint endpoint(String containerId, Network n, EndpointConfig asked, String ifName) {
        Inet4Address requested = asked == null || asked.requestedAddress() == null ? null
                : NetworkService.address(asked.requestedAddress(), "IPv4");
        Inet4Address address = IpamCalls.call(() -> ipam.allocate(n.id(), requested, containerId));
        List<String> aliases = new ArrayList<>(asked == null ? List.of() : asked.aliasList());
        return new SandboxRecord.Endpoint(n.id(), n.name(), ContainerNames.newId(), ifName, hostInterfaceName(),
                address.getHostAddress(), Subnet.parse(n.subnet()).prefixLength(), n.gateway(), "", aliases);
    }

    /** {@code veth} and seven hex digits, as dockerd names the host end. */
    private static String hostInterfaceName() {
        byte[] b = new byte[4];
        ThreadLocalRandom.current().nextBytes(b);
        return "veth" + HexFormat.of().formatHex(b).substring(0, 7);
    }

    private static String hostname(ContainerRecord r) {
        String h = r.config().hostname();
        return h == null || h.isEmpty() ? r.id().substring(0, 12) : h;
    }

    @Override
    public void detach(String containerId) {
        synchronized (lockOf(containerId)) {
            SandboxRecord s = live.remove(containerId);
            Path file = records.resolve(containerId + ".json");
            if (s == null) {
                try {
                    s = Json.MAPPER.readValue(Files.readAllBytes(file), SandboxRecord.class);
                } catch (IOException e) {
                    return; // none: nothing was made
                }
            }
            dns.unregister(containerId);
            for (SandboxRecord.PublishedPort p : s.ports()) {
                quietly("unpublish " + p.hostPort(), () -> ports.unpublish(p));
            }
            for (SandboxRecord.Endpoint e : s.endpoints()) {
                quietly("remove " + e.hostInterface(), () -> plumbing.unplug(e.hostInterface()));
            }
            deletePin(Path.of(s.namespace()));
            IpamCalls.run(() -> ipam.releaseOwner(containerId));
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warning("sandbox of " + containerId + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void renamed(String containerId, String newName) {
        synchronized (lockOf(containerId)) {
            SandboxRecord s = live.get(containerId);
            if (s != null) {
                SandboxRecord now = new SandboxRecord(containerId, newName, s.hostname(), s.namespace(), s.endpoints(),
                        s.ports(), s.dnsUpstreams());
                save(now);
                live.put(containerId, now);
            }
        }
    }

    /** {@code docker network connect} on a running container: a new interface in its namespace. */
    void plug(ContainerRecord r, Network n, EndpointConfig asked) {
        synchronized (lockOf(r.id())) {
            SandboxRecord s = live.get(r.id());
            if (s == null) {
                throw ApiException.conflict("container " + r.id() + " has no network namespace of its own to connect");
            }
            SandboxRecord.Endpoint e = endpoint(r.id(), n, asked, freeInterfaceName(s));
            List<SandboxRecord.Endpoint> all = new ArrayList<>(s.endpoints());
            all.add(e);
            SandboxRecord planned = s.withEndpoints(all);
            save(planned);
            live.put(r.id(), planned);
            try (NetNamespace ns = NetNamespace.open(Path.of(s.namespace()))) {
                try {
                    all.set(all.size() - 1, plumbing.plug(ns, n, e, false));
                } catch (RuntimeException ex) {
                    quietly("remove " + e.hostInterface(), () -> plumbing.unplug(e.hostInterface()));
                    IpamCalls.run(() -> ipam.release(n.id(), NetworkService.address(e.address(), "IPv4")));
                    save(s);
                    live.put(r.id(), s);
                    throw ex;
                }
                SandboxRecord now = s.withEndpoints(all);
                if (!onUserNetwork(s) && onUserNetwork(now)) {
                    ResolvConf.Generated resolv = ResolvConf.forContainer(hostResolvConf(), overrides(r.hostConfig()), true);
                    now = now.withDnsUpstreams(resolv.upstreams().stream()
                            .map(a -> a.getAddress().getHostAddress() + ":" + a.getPort()).toList());
                    dns.register(r.id(), ns, lookupFor(r.id()), resolv.upstreams());
                }
                save(now);
                live.put(r.id(), now);
            } catch (ErrnoException ex) {
                throw new ApiException(ErrorKind.INTERNAL, "connect " + r.id() + " to " + n.name() + ": " + ex.getMessage(), ex);
            }
        }
    }

    /** {@code docker network disconnect} on a running container. */
    void unplug(String containerId, Network n) {
        synchronized (lockOf(containerId)) {
            SandboxRecord s = live.get(containerId);
            if (s == null) {
                return;
            }
            List<SandboxRecord.Endpoint> rest = new ArrayList<>();
            for (SandboxRecord.Endpoint e : s.endpoints()) {
                if (e.networkId().equals(n.id())) {
                    quietly("remove " + e.hostInterface(), () -> plumbing.unplug(e.hostInterface()));
                    IpamCalls.run(() -> ipam.release(n.id(), NetworkService.address(e.address(), "IPv4")));
                } else {
                    rest.add(e);
                }
            }
            SandboxRecord now = s.withEndpoints(rest);
            if (onUserNetwork(s) && !onUserNetwork(now)) {
                dns.unregister(containerId); // its last user network: 127.0.0.11 is free for the next
                now = now.withDnsUpstreams(List.of());
            }
            save(now);
            live.put(containerId, now);
        }
    }

    // ---- what inspect, ps and the DNS see

    List<Member> endpointsOn(String networkId) {
        List<Member> out = new ArrayList<>();
        for (SandboxRecord s : live.values()) {
            for (SandboxRecord.Endpoint e : s.endpoints()) {
                if (e.networkId().equals(networkId)) {
                    out.add(new Member(s.containerId(), s.name(), e));
                }
            }
        }
        return out;
    }

    @Override
    public Map<String, Object> settings(ContainerRecord r) {
        return NetworkSettingsView.of(r, Optional.ofNullable(live.get(r.id())), networks);
    }

    @Override
    public List<Map<String, Object>> ports(ContainerRecord r) {
        SandboxRecord s = live.get(r.id());
        List<Map<String, Object>> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        for (SandboxRecord.PublishedPort p : s.ports()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("IP", p.hostIp().isEmpty() ? "0.0.0.0" : p.hostIp());
            m.put("PrivatePort", p.containerPort());
            m.put("PublicPort", p.hostPort());
            m.put("Type", p.protocol());
            out.add(m);
        }
        return out;
    }

    private boolean onUserNetwork(SandboxRecord s) {
        return s.endpoints().stream().anyMatch(e -> networks.find(e.networkId()).map(n -> !n.isDefaultBridge()).orElse(false));
    }

    /** The names a container sees through the embedded DNS: the containers on its user networks. */
    private ContainerDns.Names lookupFor(String containerId) {
        return new ContainerDns.Names(() -> {
            SandboxRecord self = live.get(containerId);
            Map<String, List<String>> out = new LinkedHashMap<>();
            if (self == null) {
                return out;
            }
            List<String> mine = self.endpoints().stream().map(SandboxRecord.Endpoint::networkId)
                    .filter(id -> networks.find(id).map(n -> !n.isDefaultBridge()).orElse(false)).toList();
            for (SandboxRecord s : live.values()) {
                for (SandboxRecord.Endpoint e : s.endpoints()) {
                    if (!mine.contains(e.networkId())) {
                        continue;
                    }
                    List<String> names = new ArrayList<>(List.of(s.name(), s.containerId().substring(0, 12)));
                    names.addAll(e.aliases());
                    for (String name : names) {
                        out.computeIfAbsent(name.toLowerCase(java.util.Locale.ROOT), k -> new ArrayList<>())
                                .add(e.address());
                    }
                }
            }
            return out;
        });
    }

    private List<String> hostsEntries(ContainerRecord r, SandboxRecord s) {
        List<String> out = new ArrayList<>();
        for (String link : r.hostConfig().links() == null ? List.<String>of() : r.hostConfig().links()) {
            out.add(LegacyLinks.hostsLine(link, live.values()));
        }
        out.add(s.endpoints().getFirst().address() + "\t" + s.hostname());
        return out.stream().filter(l -> l != null).toList();
    }

    private static String hostResolvConf() {
        try {
            return Files.readString(Path.of("/etc/resolv.conf"));
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code --dns}, {@code --dns-search}, {@code --dns-option}. */
    private static ResolvConf.Overrides overrides(HostConfig hc) {
        return new ResolvConf.Overrides(hc.dns() == null ? List.of() : hc.dns(),
                hc.dnsSearch() == null ? List.of() : hc.dnsSearch(), hc.dnsOptions() == null ? List.of() : hc.dnsOptions());
    }

    private static List<InetSocketAddress> upstreams(SandboxRecord s) {
        return s.dnsUpstreams().stream().map(a -> {
            int colon = a.lastIndexOf(':');
            return new InetSocketAddress(NetworkService.address(a.substring(0, colon), "DNS server"),
                    Integer.parseInt(a.substring(colon + 1)));
        }).toList();
    }

    // ---- plumbing

    private void save(SandboxRecord s) {
        try {
            DurableFiles.writeAtomically(records.resolve(s.containerId() + ".json"), Json.MAPPER.writeValueAsBytes(s));
        } catch (IOException e) {
            throw new UncheckedIOException("save the sandbox of " + s.containerId(), e);
        }
    }

    /** The namespace pin, unmounted and removed; also an empty file that a crash left before the mount. */
    private static void deletePin(Path pin) {
        try (NetNamespace ns = NetNamespace.open(pin)) {
            ns.delete();
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(pin);
            } catch (IOException stillMounted) {
                LOG.warning("network namespace " + pin + ": " + e.getMessage());
            }
        }
    }

    private static void quietly(String what, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            LOG.warning(what + ": " + e.getMessage());
        }
    }

    private Object lockOf(String id) {
        return locks.computeIfAbsent(id, k -> new Object());
    }
}
