package dev.berth.linux;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * The {@code RTM_NEWADDR}/{@code RTM_DELADDR} messages behind {@link Rtnetlink}'s address verbs
 * and the decoding of {@code RTM_GETADDR} replies: {@code struct ifaddrmsg} then {@code IFA_*}
 * attributes ({@code <linux/if_addr.h>}).
 */
final class LinkAddresses {
    private static final int RTM_NEWADDR = 20;
    private static final int RTM_DELADDR = 21;
    // <linux/if_addr.h>
    private static final int IFA_ADDRESS = 1;
    private static final int IFA_LOCAL = 2;
    private static final int IFA_LABEL = 3;
    private static final int IFA_BROADCAST = 4;
    /** {@code RT_SCOPE_UNIVERSE}: a global address, as {@code ip addr add} makes by default. */
    private static final int RT_SCOPE_UNIVERSE = 0;

    private LinkAddresses() {}

    /**
     * IFA_LOCAL is the address itself and IFA_ADDRESS the peer's, which on a broadcast link is
     * the same; the broadcast address is what {@code brd +} computes (and what Docker's netlink
     * library sets), none for /31 and /32 where every address is a host (RFC 3021).
     */
    static NetlinkMessage add(int index, Inet4Address address, int prefixLength) {
        NetlinkMessage m = message(RTM_NEWADDR,
                NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL, index, address, prefixLength);
        if (prefixLength <= 30) {
            m.attribute(IFA_BROADCAST, broadcast(address, prefixLength).getAddress());
        }
        return m;
    }

    static NetlinkMessage delete(int index, Inet4Address address, int prefixLength) {
        return message(RTM_DELADDR, 0, index, address, prefixLength);
    }

    private static NetlinkMessage message(int type, int flags, int index, Inet4Address address, int prefixLength) {
        checkPrefix(prefixLength);
        return new NetlinkMessage(type, Rtnetlink.requestFlags(flags))
                .ifaddrmsg(Rtnetlink.AF_INET, prefixLength, 0, RT_SCOPE_UNIVERSE, index)
                .attribute(IFA_LOCAL, address.getAddress())
                .attribute(IFA_ADDRESS, address.getAddress());
    }

    /** The highest address of {@code address/prefixLength}. */
    static Inet4Address broadcast(Inet4Address address, int prefixLength) {
        checkPrefix(prefixLength);
        int a = ByteBuffer.wrap(address.getAddress()).getInt();
        int host = prefixLength == 0 ? -1 : (1 << (32 - prefixLength)) - 1;
        return ipv4(ByteBuffer.allocate(4).putInt(a | host).array());
    }

    /** An RTM_NEWADDR reply, or null for another family (IPv6 goes here later). */
    static Rtnetlink.LinkAddress decode(NetlinkReply r) {
        var p = r.payload();
        if (p.get(0) != Rtnetlink.AF_INET) {
            return null;
        }
        NetlinkAttributes a = NetlinkAttributes.parse(p, 8); // after struct ifaddrmsg
        byte[] local = a.has(IFA_LOCAL) ? a.bytes(IFA_LOCAL) : a.bytes(IFA_ADDRESS);
        byte[] brd = a.bytes(IFA_BROADCAST);
        return new Rtnetlink.LinkAddress(p.getInt(4), ipv4(local), Byte.toUnsignedInt(p.get(1)),
                brd == null ? null : ipv4(brd), a.string(IFA_LABEL));
    }

    static Inet4Address ipv4(byte[] four) {
        try {
            return (Inet4Address) InetAddress.getByAddress(four);
        } catch (UnknownHostException | ClassCastException e) {
            throw new IllegalArgumentException("not an ipv4 address: " + four.length + " bytes", e);
        }
    }

    static void checkPrefix(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("invalid ipv4 prefix length: " + prefixLength);
        }
    }
}
