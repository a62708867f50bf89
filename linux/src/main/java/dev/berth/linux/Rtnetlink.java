package dev.berth.linux;

import java.net.Inet4Address;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Network interfaces, addresses and routes through rtnetlink (rtnetlink(7)): what {@code ip link},
 * {@code ip addr} and {@code ip route} do, without running them. The daemon builds each
 * container's network with it: a bridge, a veth pair whose peer is born inside the container's
 * {@link NetNamespace} as {@code eth0}, an address and a default route.
 *
 * <p>The socket acts in the namespace it was opened in, for good: {@link #open()} in the calling
 * thread's (the host's, for a daemon thread), {@link #openIn} in another one, whichever thread
 * then uses it. Every change is acknowledged by the kernel before the method returns; a refusal
 * throws {@link ErrnoException} naming the operation and the object, such as
 * {@code add veth veth1a2b3c: file exists}, with the errno (EEXIST) to test; when the kernel
 * explains itself (extended ack) its words come in parentheses before the errno's text:
 * {@code add address 10.0.0.2/24 to eth0 (ipv4: Address already assigned): file exists}. Links are named
 * (at most 15 bytes, {@code IFNAMSIZ} - 1); IPv4 only for now, with the address family kept
 * in each request so that IPv6 can follow. Thread-safe: requests on one socket take turns.
 */
public final class Rtnetlink implements AutoCloseable {
    // <linux/rtnetlink.h>: message types (the address and route ones are in LinkAddresses and Routes)
    private static final int RTM_NEWLINK = 16;
    private static final int RTM_DELLINK = 17;
    private static final int RTM_GETLINK = 18;
    private static final int RTM_SETLINK = 19;
    private static final int RTM_GETADDR = 22;
    private static final int RTM_GETROUTE = 26;
    // <linux/if_link.h>: IFLA_* attributes of a link; IFLA_INFO_* nested in IFLA_LINKINFO
    static final int IFLA_ADDRESS = 1;
    static final int IFLA_IFNAME = 3;
    static final int IFLA_MTU = 4;
    static final int IFLA_MASTER = 10;
    static final int IFLA_LINKINFO = 18;
    static final int IFLA_NET_NS_FD = 28;
    private static final int IFLA_EXT_MASK = 29;
    static final int IFLA_INFO_KIND = 1;
    static final int IFLA_INFO_DATA = 2;
    /** {@code <linux/veth.h>}: the peer's ifinfomsg and attributes, nested in IFLA_INFO_DATA. */
    static final int VETH_INFO_PEER = 1;
    /** {@code RTEXT_FILTER_SKIP_STATS}: leave the counters out of link replies; they are most of it. */
    private static final int RTEXT_FILTER_SKIP_STATS = 1 << 3;
    /** {@code IFF_UP} from {@code <linux/if.h>}. */
    static final int IFF_UP = 1;
    private static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    private static final int ENODEV = 19;

    private final NetlinkSocket socket;

    private Rtnetlink(NetlinkSocket socket) {
        this.socket = socket;
    }

    /** A socket acting in the calling thread's network namespace. */
    public static Rtnetlink open() throws ErrnoException {
        return new Rtnetlink(NetlinkSocket.open(0)); // NETLINK_ROUTE
    }

    /** A socket acting in {@code ns}: opened on a thread inside it, as sockets keep their namespace. */
    public static Rtnetlink openIn(NetNamespace ns) throws ErrnoException {
        try {
            return ns.call(Rtnetlink::open);
        } catch (ErrnoException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("open rtnetlink in " + ns, e);
        }
    }

    // ---- links

    /** The index of link {@code name}, empty when there is none. */
    public OptionalInt linkIndex(String name) throws ErrnoException {
        return link(name).map(l -> OptionalInt.of(l.index())).orElse(OptionalInt.empty());
    }

    /** Link {@code name}, empty when there is none. */
    public Optional<Link> link(String name) throws ErrnoException {
        NetlinkMessage m = new NetlinkMessage(RTM_GETLINK, requestFlags(0))
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_IFNAME, checkName(name))
                .attribute(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        try {
            return socket.request(m, "get link " + name).stream().map(Link::decode).findFirst();
        } catch (ErrnoException e) {
            if (e.errno() == ENODEV) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Every link in the namespace, by index. */
    public List<Link> links() throws ErrnoException {
        NetlinkMessage m = new NetlinkMessage(RTM_GETLINK, requestFlags(NetlinkMessage.NLM_F_DUMP))
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        return socket.dump(m, "list links").stream().map(Link::decode).toList();
    }

    /** Adds a bridge {@code name} ({@code ip link add name type bridge}), down. */
    public void addBridge(String name) throws ErrnoException {
        NetlinkMessage m = createLink(name);
        int info = m.beginNested(IFLA_LINKINFO);
        m.attribute(IFLA_INFO_KIND, "bridge");
        m.endNested(info);
        socket.request(m, "add bridge " + name);
    }

    /**
     * Adds a veth pair: {@code name} here and {@code peerName} created directly inside
     * {@code peerNamespace} (null: here too), so the peer never appears, even briefly, under
     * a name that could collide here. Both ends start down.
     */
    public void addVeth(String name, String peerName, NetNamespace peerNamespace) throws ErrnoException {
        NetlinkMessage m = createLink(name);
        int info = m.beginNested(IFLA_LINKINFO);
        m.attribute(IFLA_INFO_KIND, "veth");
        int data = m.beginNested(IFLA_INFO_DATA);
        int peer = m.beginNested(VETH_INFO_PEER);
        m.ifinfomsg(AF_UNSPEC, 0, 0, 0).attribute(IFLA_IFNAME, checkName(peerName));
        if (peerNamespace != null) {
            m.attribute(IFLA_NET_NS_FD, peerNamespace.fd());
        }
        m.endNested(peer);
        m.endNested(data);
        m.endNested(info);
        socket.request(m, "add veth " + name);
    }

    /**
     * A container's veth pair in one request where {@link #addVeth}, {@link #setMaster} and
     * {@link #setUp} take four round trips: {@code name} here, already in {@code bridge} and up,
     * and {@code peerName} created inside {@code peerNamespace} with the MAC address
     * {@code peerMac}, so nobody needs to ask the kernel for it afterwards. The kernel applies
     * IFLA_MASTER and the flags once it has made the pair, as {@code ip link add … master br up}
     * relies on. The peer starts down: veth applies a peer's flags before the two are paired,
     * when opening it fails with ENOTCONN; bring it up from inside.
     */
    public void addVethInBridge(String name, String bridge, String peerName, NetNamespace peerNamespace,
            MacAddress peerMac) throws ErrnoException {
        String what = "add veth " + name + " to " + bridge;
        int master = requireIndex(bridge, what);
        NetlinkMessage m = new NetlinkMessage(RTM_NEWLINK,
                requestFlags(NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL))
                .ifinfomsg(AF_UNSPEC, 0, IFF_UP, IFF_UP)
                .attribute(IFLA_IFNAME, checkName(name))
                .attribute(IFLA_MASTER, master);
        int info = m.beginNested(IFLA_LINKINFO);
        m.attribute(IFLA_INFO_KIND, "veth");
        int data = m.beginNested(IFLA_INFO_DATA);
        int peer = m.beginNested(VETH_INFO_PEER);
        m.ifinfomsg(AF_UNSPEC, 0, 0, 0).attribute(IFLA_IFNAME, checkName(peerName))
                .attribute(IFLA_ADDRESS, peerMac.octets());
        if (peerNamespace != null) {
            m.attribute(IFLA_NET_NS_FD, peerNamespace.fd());
        }
        m.endNested(peer);
        m.endNested(data);
        m.endNested(info);
        socket.request(m, what);
    }

    public void setUp(String name) throws ErrnoException {
        socket.request(setLink(name, IFF_UP, IFF_UP), "set up " + name);
    }

    public void setDown(String name) throws ErrnoException {
        socket.request(setLink(name, 0, IFF_UP), "set down " + name);
    }

    /** Makes {@code name} a port of {@code bridge} ({@code ip link set name master bridge}). */
    public void setMaster(String name, String bridge) throws ErrnoException {
        String what = "set master of " + name + " to " + bridge;
        int index = requireIndex(bridge, what);
        socket.request(setLink(name, 0, 0).attribute(IFLA_MASTER, index), what);
    }

    public void setMtu(String name, int mtu) throws ErrnoException {
        socket.request(setLink(name, 0, 0).attribute(IFLA_MTU, mtu), "set mtu of " + name + " to " + mtu);
    }

    public void setMacAddress(String name, byte[] mac) throws ErrnoException {
        setMacAddress(name, MacAddress.of(mac));
    }

    public void setMacAddress(String name, MacAddress mac) throws ErrnoException {
        socket.request(setLink(name, 0, 0).attribute(IFLA_ADDRESS, mac.octets()),
                "set mac address of " + name + " to " + mac);
    }

    /** Moves link {@code name} into {@code ns}, where it keeps its name and is down. */
    public void moveTo(String name, NetNamespace ns) throws ErrnoException {
        socket.request(setLink(name, 0, 0).attribute(IFLA_NET_NS_FD, ns.fd()),
                "move " + name + " to " + ns);
    }

    /** Renames link {@code name}; the kernel refuses (EBUSY) while it is up. */
    public void rename(String name, String newName) throws ErrnoException {
        String what = "rename " + name + " to " + newName;
        int index = requireIndex(name, what);
        NetlinkMessage m = new NetlinkMessage(RTM_SETLINK, requestFlags(0))
                .ifinfomsg(AF_UNSPEC, index, 0, 0)
                .attribute(IFLA_IFNAME, checkName(newName));
        socket.request(m, what);
    }

    /** Deletes link {@code name}; for a veth, its peer goes too, wherever it is. */
    public void deleteLink(String name) throws ErrnoException {
        NetlinkMessage m = new NetlinkMessage(RTM_DELLINK, requestFlags(0))
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_IFNAME, checkName(name));
        socket.request(m, "delete link " + name);
    }

    /** {@link #deleteLink}, false when there was no such link. */
    public boolean deleteLinkIfPresent(String name) throws ErrnoException {
        try {
            deleteLink(name);
            return true;
        } catch (ErrnoException e) {
            if (e.errno() == ENODEV) {
                return false;
            }
            throw e;
        }
    }

    // ---- addresses and routes: see LinkAddresses and Routes for the message layouts

    /**
     * Adds {@code address/prefixLength} to {@code link} as {@code ip addr add} does with
     * {@code brd +}: local and peer address both {@code address} and, for prefixes up to /30,
     * the subnet's broadcast address. The kernel adds the subnet's route along with it.
     */
    public void addAddress(String link, Inet4Address address, int prefixLength) throws ErrnoException {
        String what = "add address " + address.getHostAddress() + "/" + prefixLength + " to " + link;
        int index = requireIndex(link, what);
        socket.request(LinkAddresses.add(index, address, prefixLength), what);
    }

    public void deleteAddress(String link, Inet4Address address, int prefixLength) throws ErrnoException {
        String what = "delete address " + address.getHostAddress() + "/" + prefixLength + " from " + link;
        int index = requireIndex(link, what);
        socket.request(LinkAddresses.delete(index, address, prefixLength), what);
    }

    /** The IPv4 addresses of {@code link}; fails with ENODEV when there is no such link. */
    public List<LinkAddress> addresses(String link) throws ErrnoException {
        String what = "list addresses of " + link;
        int index = requireIndex(link, what);
        NetlinkMessage m = new NetlinkMessage(RTM_GETADDR, requestFlags(NetlinkMessage.NLM_F_DUMP))
                .ifaddrmsg(AF_INET, 0, 0, 0, 0);
        // without NETLINK_GET_STRICT_CHK the kernel dumps every link's addresses: filter here
        return socket.dump(m, what).stream().map(LinkAddresses::decode)
                .filter(a -> a != null && a.linkIndex() == index).toList();
    }

    /**
     * Adds a route to the main table, as {@code ip route add}: to {@code destination/prefixLength}
     * (null and 0: the default route) via {@code gateway} (null: directly on the link) out of
     * {@code device} (null: wherever the gateway is reachable).
     */
    public void addRoute(Inet4Address destination, int prefixLength, Inet4Address gateway, String device)
            throws ErrnoException {
        String what = "add route " + Routes.describe(destination, prefixLength, gateway, device);
        int index = device == null ? 0 : requireIndex(device, what);
        socket.request(Routes.add(destination, prefixLength, gateway, index), what);
    }

    /** The IPv4 routes of the main table. */
    public List<Route> routes() throws ErrnoException {
        NetlinkMessage m = new NetlinkMessage(RTM_GETROUTE, requestFlags(NetlinkMessage.NLM_F_DUMP))
                .rtmsg(AF_INET, 0, 0, 0, 0, 0);
        return socket.dump(m, "list routes").stream().map(Routes::decode)
                .filter(r -> r != null).toList();
    }

    @Override
    public void close() {
        socket.close();
    }

    // ---- message building shared by the verbs above

    static int requestFlags(int more) {
        return NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK | more;
    }

    /** RTM_NEWLINK that creates {@code name} and fails with EEXIST, never changes, when it exists. */
    private static NetlinkMessage createLink(String name) {
        return new NetlinkMessage(RTM_NEWLINK,
                requestFlags(NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL))
                .ifinfomsg(AF_UNSPEC, 0, 0, 0)
                .attribute(IFLA_IFNAME, checkName(name));
    }

    /** RTM_SETLINK of the link named {@code name} (the kernel finds it by IFLA_IFNAME when the index is 0). */
    private static NetlinkMessage setLink(String name, int flags, int change) {
        return new NetlinkMessage(RTM_SETLINK, requestFlags(0))
                .ifinfomsg(AF_UNSPEC, 0, flags, change)
                .attribute(IFLA_IFNAME, checkName(name));
    }

    private int requireIndex(String name, String what) throws ErrnoException {
        OptionalInt index = linkIndex(name);
        if (index.isEmpty()) {
            throw new ErrnoException(what, ENODEV);
        }
        return index.getAsInt();
    }

    /** {@code IFNAMSIZ} is 16 with the NUL; the kernel would answer a longer name with a bare EINVAL. */
    private static String checkName(String name) {
        if (name == null || name.isEmpty() || name.getBytes(StandardCharsets.UTF_8).length > 15
                || name.contains("/") || name.contains(" ") || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("invalid link name: " + name);
        }
        return name;
    }

    /**
     * A network interface as {@code RTM_GETLINK} reports it.
     *
     * @param mac         its hardware address, null when it has none
     * @param up          whether it is administratively up ({@code IFF_UP}); the carrier is another matter
     * @param masterIndex the index of its bridge, 0 when it has none
     * @param kind        its {@code IFLA_INFO_KIND} ({@code bridge}, {@code veth}), null for lo and physical ones
     */
    public record Link(int index, String name, int mtu, MacAddress mac, boolean up, int masterIndex, String kind) {
        static Link decode(NetlinkReply r) {
            var p = r.payload();
            NetlinkAttributes a = NetlinkAttributes.parse(p, 16); // after struct ifinfomsg
            byte[] mac = a.bytes(IFLA_ADDRESS);
            return new Link(p.getInt(4), a.string(IFLA_IFNAME), a.u32(IFLA_MTU, 0),
                    mac != null && mac.length == 6 ? MacAddress.of(mac) : null,
                    (p.getInt(8) & IFF_UP) != 0, a.u32(IFLA_MASTER, 0),
                    a.nested(IFLA_LINKINFO).string(IFLA_INFO_KIND));
        }
    }

    /**
     * An IPv4 address on a link, as {@code RTM_GETADDR} reports it.
     *
     * @param broadcast null when it has none
     * @param label     its label, by default the link's name
     */
    public record LinkAddress(int linkIndex, Inet4Address address, int prefixLength, Inet4Address broadcast,
                              String label) {}

    /**
     * An IPv4 route of the main table, as {@code RTM_GETROUTE} reports it.
     *
     * @param destination     null for the default route
     * @param gateway         null for a route straight onto the link
     * @param linkIndex       the output link's index, 0 when it has none (unreachable and the like)
     * @param preferredSource the source address the route suggests, or null
     */
    public record Route(Inet4Address destination, int prefixLength, Inet4Address gateway, int linkIndex,
                        Inet4Address preferredSource) {}
}
