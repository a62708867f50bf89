package dev.berth.network.ipam;

import dev.berth.network.ipam.IpamException.Kind;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Berth's IP address manager: registers each network's subnet, hands out container addresses
 * inside it, and keeps both on disk so that a restarted daemon hands out nothing twice.
 *
 * <p>The lifecycle follows dockerd's: {@link #addNetwork} when a network is created (the
 * default bridge included; with no subnet given, the first subnet of the address pools that
 * overlaps no registered network), {@link #allocate} when a container joins it,
 * {@link #release} or {@link #releaseOwner} when it leaves, {@link #removeNetwork} when the
 * network goes. Every change is on disk before the method returns (see
 * {@code LedgerDirectory}). All methods are safe to call from any thread; they share one lock,
 * which is cheap next to the fsync each change costs.
 */
public final class Ipam {
    /** Network ids become file names, so they may not name paths. Docker's ids are 64 hex digits. */
    private static final Pattern NETWORK_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    private final LedgerDirectory directory;
    private final List<AddressPool> pools;
    private final HostNetworks hostNetworks;
    private final Map<String, NetworkLedger> networks = new HashMap<>();

    /** An IPAM on {@code dir} (the daemon's {@code <data-root>/network/ipam}) with dockerd's default pools. */
    public Ipam(Path dir) throws IpamException {
        this(dir, AddressPool.dockerDefaults());
    }

    /** An IPAM whose pools replace the defaults, as {@code --default-address-pool} does. */
    public Ipam(Path dir, List<AddressPool> pools) throws IpamException {
        this(dir, pools, HostNetworks.NONE);
    }

    /** An IPAM that also keeps pool picks clear of the subnets the host routes. */
    public Ipam(Path dir, List<AddressPool> pools, HostNetworks hostNetworks) throws IpamException {
        this.pools = List.copyOf(pools);
        this.hostNetworks = hostNetworks;
        try {
            this.directory = new LedgerDirectory(dir);
            for (NetworkLedger ledger : directory.load()) {
                networks.put(ledger.addressing().networkId(), ledger);
            }
        } catch (IOException e) {
            throw io("load ipam state from " + dir, e);
        }
    }

    private Ipam(List<AddressPool> pools, HostNetworks hostNetworks) {
        this.pools = List.copyOf(pools);
        this.hostNetworks = hostNetworks;
        this.directory = null;
    }

    /**
     * An IPAM that keeps nothing on disk, for a caller whose own records already hold every
     * network's subnet and every address handed out, and that registers them again at start
     * (berthd: its network records, and the sandbox record of each running container, written
     * before the address is used). It saves two fsyncs on each container start.
     */
    public static Ipam inMemory(List<AddressPool> pools, HostNetworks hostNetworks) {
        return new Ipam(pools, hostNetworks);
    }

    /**
     * Registers a network. {@code subnet} null picks one from the pools; {@code ipRange} null
     * is the whole subnet; {@code gateway} null is the subnet's first address.
     */
    public synchronized NetworkAddressing addNetwork(String networkId, Subnet subnet, Subnet ipRange,
            Inet4Address gateway) throws IpamException {
        if (!NETWORK_ID.matcher(networkId).matches()) {
            throw new IpamException(Kind.INVALID_ARGUMENT, "invalid network id " + networkId);
        }
        if (networks.containsKey(networkId)) {
            throw new IpamException(Kind.CONFLICT, "network " + networkId + " already has an address space");
        }
        if (subnet == null) {
            subnet = freePoolSubnet();
        } else if (overlapsRegistered(subnet)) {
            throw new IpamException(Kind.CONFLICT, "invalid pool request: Pool overlaps with other one on this address space");
        }
        if (ipRange == null) {
            ipRange = subnet;
        } else if (!subnet.contains(ipRange)) {
            throw new IpamException(Kind.INVALID_ARGUMENT, "invalid ip-range " + ipRange + ": it must be within subnet " + subnet);
        }
        if (gateway == null) {
            if (subnet.size() < 2) {
                throw new IpamException(Kind.INVALID_ARGUMENT, "subnet " + subnet + " has no room for a gateway");
            }
            gateway = subnet.address(1);
        } else if (!subnet.contains(gateway)) {
            throw new IpamException(Kind.INVALID_ARGUMENT, "no matching subnet for gateway " + gateway.getHostAddress());
        }
        NetworkLedger ledger = new NetworkLedger(new NetworkAddressing(networkId, subnet, ipRange, gateway));
        persist(ledger);
        networks.put(networkId, ledger);
        return ledger.addressing();
    }

    /**
     * Hands {@code owner} an address on the network: {@code requested}, or with null the next
     * free one in the ip range after the last one handed out. A requested address may lie
     * outside the ip range (that is what {@code --ip-range} is for: it leaves room for fixed
     * addresses) but not outside the subnet.
     */
    public synchronized Inet4Address allocate(String networkId, Inet4Address requested, String owner)
            throws IpamException {
        NetworkLedger ledger = ledger(networkId);
        Subnet subnet = ledger.addressing().subnet();
        long offset;
        if (requested == null) {
            offset = ledger.nextFree();
            if (offset < 0) {
                throw new IpamException(Kind.UNAVAILABLE, "no available addresses on network " + networkId);
            }
        } else if (!subnet.contains(requested)) {
            throw new IpamException(Kind.INVALID_ARGUMENT, "requested address " + requested.getHostAddress()
                    + " is out of subnet " + subnet + " of network " + networkId);
        } else {
            offset = subnet.offsetOf(requested);
            if (ledger.isTaken(offset)) {
                throw new IpamException(Kind.CONFLICT, "Address already in use");
            }
        }
        long previousLast = ledger.last();
        ledger.take(offset, owner, requested == null);
        try {
            persist(ledger);
        } catch (IpamException e) {
            ledger.untake(offset, previousLast);
            throw e;
        }
        return subnet.address(offset);
    }

    /** Gives an address back; one that is not handed out is left as it is. */
    public synchronized void release(String networkId, Inet4Address address) throws IpamException {
        NetworkLedger ledger = ledger(networkId);
        Subnet subnet = ledger.addressing().subnet();
        if (!subnet.contains(address)) {
            return;
        }
        long offset = subnet.offsetOf(address);
        String owner = ledger.release(offset);
        if (owner == null) {
            return;
        }
        try {
            persist(ledger);
        } catch (IpamException e) {
            ledger.take(offset, owner, false);
            throw e;
        }
    }

    /** Gives back every address {@code owner} holds, on every network (a container that is removed). */
    public synchronized void releaseOwner(String owner) throws IpamException {
        for (NetworkLedger ledger : networks.values()) {
            if (!ledger.ownedBy(owner)) {
                continue;
            }
            List<Long> offsets = new ArrayList<>();
            ledger.owners().forEach((offset, o) -> {
                if (o.equals(owner)) {
                    offsets.add(offset);
                }
            });
            offsets.forEach(ledger::release);
            try {
                persist(ledger);
            } catch (IpamException e) {
                offsets.forEach(offset -> ledger.take(offset, owner, false));
                throw e;
            }
        }
    }

    /** Forgets the network and whatever addresses are still handed out on it. */
    public synchronized void removeNetwork(String networkId) throws IpamException {
        ledger(networkId);
        try {
            if (directory != null) {
                directory.delete(networkId);
            }
        } catch (IOException e) {
            throw io("remove ipam state of network " + networkId, e);
        }
        networks.remove(networkId);
    }

    /** The addresses handed out on the network, in address order, each with its owner. */
    public synchronized Map<Inet4Address, String> allocations(String networkId) throws IpamException {
        return ledger(networkId).allocations();
    }

    public synchronized Optional<NetworkAddressing> network(String networkId) {
        return Optional.ofNullable(networks.get(networkId)).map(NetworkLedger::addressing);
    }

    private boolean overlapsRegistered(Subnet subnet) {
        return networks.values().stream().anyMatch(n -> n.addressing().subnet().overlaps(subnet));
    }

    private NetworkLedger ledger(String networkId) throws IpamException {
        NetworkLedger ledger = networks.get(networkId);
        if (ledger == null) {
            throw new IpamException(Kind.NOT_FOUND, "network " + networkId + " not found");
        }
        return ledger;
    }

    /**
     * The first pool subnet that overlaps no registered network and none of the host's, in pool
     * order, as dockerd picks them. A network that spans a run of pool subnets is skipped in one
     * step.
     */
    private Subnet freePoolSubnet() throws IpamException {
        List<Subnet> taken = new ArrayList<>();
        networks.values().forEach(l -> taken.add(l.addressing().subnet()));
        try {
            taken.addAll(hostNetworks.subnets());
        } catch (IOException e) {
            throw io("list the host's networks", e);
        }
        for (AddressPool pool : pools) {
            long n = 0;
            while (n < pool.count()) {
                Subnet candidate = pool.subnet(n);
                Subnet overlapping = taken.stream().filter(candidate::overlaps).findFirst().orElse(null);
                if (overlapping == null) {
                    return candidate;
                }
                long skipTo = n + 1;
                if (overlapping.contains(candidate)) {
                    // the pool subnet just past the taken network's broadcast address
                    long takenEnd = Integer.toUnsignedLong(Subnet.bits(overlapping.broadcast()));
                    long poolStart = Integer.toUnsignedLong(Subnet.bits(pool.base().network()));
                    skipTo = (takenEnd - poolStart + 1) >> (32 - pool.size());
                }
                n = Math.max(n + 1, skipTo);
            }
        }
        throw new IpamException(Kind.UNAVAILABLE, "all predefined address pools have been fully subnetted");
    }

    private void persist(NetworkLedger ledger) throws IpamException {
        if (directory == null) {
            return;
        }
        try {
            directory.write(ledger);
        } catch (IOException e) {
            throw io("write ipam state of network " + ledger.addressing().networkId(), e);
        }
    }

    private static IpamException io(String what, IOException e) {
        String reason = e instanceof FileSystemException fs && fs.getReason() != null ? fs.getReason() : e.getMessage();
        return new IpamException(Kind.INTERNAL, what + ": " + reason, e);
    }
}
