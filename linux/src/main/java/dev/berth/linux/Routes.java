package dev.berth.linux;

import java.net.Inet4Address;

/**
 * The {@code RTM_NEWROUTE} message behind {@link Rtnetlink#addRoute} and the decoding of
 * {@code RTM_GETROUTE} replies: {@code struct rtmsg} then {@code RTA_*} attributes
 * ({@code <linux/rtnetlink.h>}).
 */
final class Routes {
    private static final int RTM_NEWROUTE = 24;
    // <linux/rtnetlink.h>: enum rtattr_type_t
    private static final int RTA_DST = 1;
    private static final int RTA_OIF = 4;
    private static final int RTA_GATEWAY = 5;
    private static final int RTA_PREFSRC = 7;
    private static final int RTA_TABLE = 15;
    private static final int RT_TABLE_MAIN = 254;
    /** {@code RTPROT_BOOT}: the protocol {@code ip route add} gives routes it adds. */
    private static final int RTPROT_BOOT = 3;
    private static final int RT_SCOPE_UNIVERSE = 0;
    private static final int RT_SCOPE_LINK = 253;
    private static final int RTN_UNICAST = 1;

    private Routes() {}

    /**
     * A unicast route in the main table; scope link when it has no gateway (the destination is
     * on the link), universe when it goes through one, as {@code ip route add} chooses.
     */
    static NetlinkMessage add(Inet4Address destination, int prefixLength, Inet4Address gateway, int linkIndex) {
        LinkAddresses.checkPrefix(prefixLength);
        if (destination == null && prefixLength != 0) {
            throw new IllegalArgumentException("the default route has prefix length 0, not " + prefixLength);
        }
        if (gateway == null && linkIndex == 0) {
            throw new IllegalArgumentException("a route needs a gateway or a device");
        }
        NetlinkMessage m = new NetlinkMessage(RTM_NEWROUTE,
                Rtnetlink.requestFlags(NetlinkMessage.NLM_F_CREATE | NetlinkMessage.NLM_F_EXCL))
                .rtmsg(Rtnetlink.AF_INET, prefixLength, RT_TABLE_MAIN, RTPROT_BOOT,
                        gateway == null ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE, RTN_UNICAST);
        if (destination != null) {
            m.attribute(RTA_DST, destination.getAddress());
        }
        if (gateway != null) {
            m.attribute(RTA_GATEWAY, gateway.getAddress());
        }
        if (linkIndex != 0) {
            m.attribute(RTA_OIF, linkIndex);
        }
        return m;
    }

    /** {@code default via 10.0.0.1 dev eth0}, {@code 10.1.0.0/16 dev br0}: for messages. */
    static String describe(Inet4Address destination, int prefixLength, Inet4Address gateway, String device) {
        StringBuilder b = new StringBuilder(destination == null ? "default"
                : destination.getHostAddress() + "/" + prefixLength);
        if (gateway != null) {
            b.append(" via ").append(gateway.getHostAddress());
        }
        if (device != null) {
            b.append(" dev ").append(device);
        }
        return b.toString();
    }

    /** An RTM_NEWROUTE reply of the main IPv4 table, or null for any other. */
    static Rtnetlink.Route decode(NetlinkReply r) {
        var p = r.payload();
        if (p.get(0) != Rtnetlink.AF_INET) {
            return null;
        }
        NetlinkAttributes a = NetlinkAttributes.parse(p, 12); // after struct rtmsg
        // rtm_table holds only 8 bits; RTA_TABLE has the whole number
        int table = a.u32(RTA_TABLE, Byte.toUnsignedInt(p.get(4)));
        if (table != RT_TABLE_MAIN) {
            return null;
        }
        return new Rtnetlink.Route(address(a, RTA_DST), Byte.toUnsignedInt(p.get(1)), address(a, RTA_GATEWAY),
                a.u32(RTA_OIF, 0), address(a, RTA_PREFSRC));
    }

    private static Inet4Address address(NetlinkAttributes a, int type) {
        byte[] b = a.bytes(type);
        return b == null ? null : LinkAddresses.ipv4(b);
    }
}
