package dev.berth.network.nat;

import dev.berth.network.Protocol;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.linux.Nftables;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Berth's packet filtering and NAT for its bridge networks: masquerade out of each network,
 * isolation between networks, and published ports, all in nftables tables of Berth's own
 * ({@code ip berth-<bridge>}, one per network, laid out in {@link NetworkTable}) and never in
 * anyone else's. Every method is one nftables transaction, so a failure leaves nothing half
 * done. Run through libnftables in-process; about a quarter of a millisecond per call once the
 * context is open.
 *
 * <p>The firewall acts in the network namespace where its {@link Nftables} context was
 * created (the daemon's: the host's). {@link #enableForwarding} is the exception: like any
 * {@code /proc/sys/net} file, {@code ip_forward} belongs to the namespace of the thread that
 * opens it. A host firewall of its own that drops forwarded packets (a forward chain with policy
 * drop in another table) still drops containers' traffic: an accept here cannot overrule it.
 *
 * <p>After a crash, {@link #bridges()} finds the tables of networks that may no longer exist,
 * for the daemon to {@link #removeNetwork remove}; re-adding a network that does exist starts
 * it with no published ports, for the daemon to {@link #publish} those of its running
 * containers again.
 */
public final class NetworkFirewall {
    private static final Path IP_FORWARD = Path.of("/proc/sys/net/ipv4/ip_forward");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Nftables nft;

    /** A firewall that runs its scripts through {@code nft}, which its caller keeps and closes. */
    public NetworkFirewall(Nftables nft) {
        this.nft = nft;
    }

    /**
     * Creates the table of the network on {@code bridge} with subnet {@code subnetCidr}
     * (e.g. {@code 172.18.0.0/16}): masquerade and forwarding out of it unless
     * {@code internal}, and isolation. Replaces the table if it exists, atomically, dropping its
     * published ports.
     */
    public void addNetwork(String bridge, String subnetCidr, boolean internal) throws IOException {
        NetworkTable table = new NetworkTable(bridge);
        nft.run("add network " + bridge, table.create(subnetCidr, internal));
    }

    /** Deletes the network's table with all its rules and published ports; fine when there is none. */
    public void removeNetwork(String bridge) throws IOException {
        NetworkTable table = new NetworkTable(bridge);
        nft.run("remove network " + bridge, table.delete());
    }

    /**
     * DNATs {@code m}'s host port to its container, for traffic from anywhere but the bridge
     * itself (and but this host: local clients go through the userland proxy). Publishing the
     * same mapping twice is fine; publishing a host port that already maps elsewhere fails
     * with "file exists".
     */
    public void publish(String bridge, PortMapping m) throws IOException {
        NetworkTable table = new NetworkTable(bridge);
        nft.run("publish " + m + " on " + bridge, table.publish(m));
    }

    /**
     * Stops publishing {@code m}, leaving every other mapping as it was; fine when it was not
     * published. Fails with "file exists", removing nothing, when {@code m}'s host port maps to
     * a different container address or port.
     */
    public void unpublish(String bridge, PortMapping m) throws IOException {
        NetworkTable table = new NetworkTable(bridge);
        nft.run("unpublish " + m + " on " + bridge, table.unpublish(m));
    }

    /** The ports published on the network, as the kernel has them. */
    public List<PortMapping> published(String bridge) throws IOException {
        NetworkTable table = new NetworkTable(bridge);
        String json = nft.runJson("list published ports of " + bridge, table.list());
        List<PortMapping> mappings = new ArrayList<>();
        for (JsonNode item : JSON.readTree(json).path("nftables")) {
            JsonNode map = item.path("map");
            String name = map.path("name").asText();
            if (!name.equals(NetworkTable.PORTS) && !name.equals(NetworkTable.ADDR_PORTS)) {
                continue;
            }
            for (JsonNode elem : map.path("elem")) {
                mappings.add(mapping(elem.path(0).path("concat"), elem.path(1).path("concat")));
            }
        }
        return mappings;
    }

    /** The bridges that have a Berth table in this namespace, whether or not the network still exists. */
    public List<String> bridges() throws IOException {
        List<String> bridges = new ArrayList<>();
        for (String line : nft.run("list Berth's tables", "list tables ip").split("\n")) {
            String prefix = "table ip " + NetworkTable.PREFIX;
            if (line.startsWith(prefix)) {
                bridges.add(line.substring(prefix.length()).strip());
            }
        }
        return bridges;
    }

    /**
     * Turns on IPv4 forwarding ({@code net.ipv4.ip_forward=1}), as dockerd does, in the network
     * namespace of the calling thread; true when it was off. Berth never turns it off again:
     * other software on the host may rely on it by then.
     */
    public boolean enableForwarding() throws IOException {
        if (Files.readString(IP_FORWARD).strip().equals("1")) {
            return false;
        }
        try {
            Files.writeString(IP_FORWARD, "1\n");
        } catch (IOException e) {
            throw new IOException("enable ipv4 forwarding: write " + IP_FORWARD + ": " + e.getMessage(), e);
        }
        return true;
    }

    private static PortMapping mapping(JsonNode key, JsonNode value) throws IOException {
        // key: [proto, port] or [host address, proto, port]; value: [container address, port]
        boolean withAddress = key.size() == 3;
        int at = withAddress ? 1 : 0;
        return new PortMapping(
                Protocol.of(key.path(at).asText()),
                withAddress ? address(key.path(0).asText()) : null,
                key.path(at + 1).asInt(),
                address(value.path(0).asText()),
                value.path(1).asInt());
    }

    private static Inet4Address address(String literal) throws IOException {
        // nft prints dotted quads only, so this never resolves a name
        if (!literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IOException("unexpected address in nft listing: " + literal);
        }
        try {
            return (Inet4Address) InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IOException("unexpected address in nft listing: " + literal, e);
        }
    }
}
