package dev.berth.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink request by hand: the {@code struct nlmsghdr}, one fixed family header
 * ({@code ifinfomsg}, {@code ifaddrmsg} or {@code rtmsg}) and then {@code struct rtattr}
 * attributes, each padded to 4 bytes, possibly nested. Layouts are those of
 * {@code <linux/netlink.h>} and {@code <linux/rtnetlink.h>} (netlink(7), rtnetlink(7)): every
 * field is in host byte order except addresses, which are in network order as on the wire.
 *
 * <p>Only encoding lives here so that it can be tested without a socket; {@link NetlinkSocket}
 * sends what {@link #finish} returns, and {@link NetlinkAttributes} decodes replies.
 */
final class NetlinkMessage {
    // <linux/netlink.h>: nlmsghdr flags
    static final int NLM_F_REQUEST = 0x01;
    static final int NLM_F_MULTI = 0x02;
    static final int NLM_F_ACK = 0x04;
    static final int NLM_F_DUMP = 0x100 | 0x200; // NLM_F_ROOT | NLM_F_MATCH
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    // <linux/netlink.h>: control message types below NLMSG_MIN_TYPE
    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;
    /** {@code NLMSG_HDRLEN}: len u32, type u16, flags u16, seq u32, pid u32. */
    static final int HEADER_LENGTH = 16;
    /** {@code NLA_F_NESTED}: rtattr type bit that marks an attribute holding attributes. */
    static final int NLA_F_NESTED = 1 << 15;

    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());

    /** A request of {@code type} ({@code RTM_NEWLINK}, ...) with {@code flags}; seq is set by {@link #finish}. */
    NetlinkMessage(int type, int flags) {
        buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
    }

    /** {@code NLMSG_ALIGN} and {@code RTA_ALIGN}: both round up to 4 bytes. */
    static int align(int length) {
        return (length + 3) & ~3;
    }

    /**
     * {@code struct ifinfomsg} (16 bytes): family u8, pad u8, type u16, index s32, flags u32,
     * change u32. {@code change} masks which {@code flags} bits the kernel applies.
     */
    NetlinkMessage ifinfomsg(int family, int index, int flags, int change) {
        ensure(16);
        buf.put((byte) family).put((byte) 0).putShort((short) 0).putInt(index).putInt(flags).putInt(change);
        return this;
    }

    /** {@code struct ifaddrmsg} (8 bytes): family, prefixlen, flags, scope (u8 each), index u32. */
    NetlinkMessage ifaddrmsg(int family, int prefixLength, int flags, int scope, int index) {
        ensure(8);
        buf.put((byte) family).put((byte) prefixLength).put((byte) flags).put((byte) scope).putInt(index);
        return this;
    }

    /**
     * {@code struct rtmsg} (12 bytes): family, dst_len, src_len, tos, table, protocol, scope,
     * type (u8 each), flags u32.
     */
    NetlinkMessage rtmsg(int family, int dstLength, int table, int protocol, int scope, int type) {
        ensure(12);
        buf.put((byte) family).put((byte) dstLength).put((byte) 0).put((byte) 0)
                .put((byte) table).put((byte) protocol).put((byte) scope).put((byte) type).putInt(0);
        return this;
    }

    /** An attribute holding {@code value} as is (addresses: already in network order). */
    NetlinkMessage attribute(int type, byte[] value) {
        int length = 4 + value.length;
        ensure(align(length));
        buf.putShort((short) length).putShort((short) type).put(value);
        pad();
        return this;
    }

    /** A u32 or s32 attribute in host byte order ({@code IFLA_MTU}, {@code IFLA_NET_NS_FD}). */
    NetlinkMessage attribute(int type, int value) {
        ensure(8);
        buf.putShort((short) 8).putShort((short) type).putInt(value);
        return this;
    }

    /** A NUL-terminated string attribute ({@code IFLA_IFNAME}, {@code IFLA_INFO_KIND}). */
    NetlinkMessage attribute(int type, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        return attribute(type, Arrays.copyOf(s, s.length + 1));
    }

    /**
     * Opens a nested attribute ({@code IFLA_LINKINFO} and the like); what is added until
     * {@link #endNested} with the returned mark goes inside it. The kernel's rtnetlink
     * parsers accept the nested bit or not alike, so it is left off, as iproute2 does.
     */
    int beginNested(int type) {
        ensure(4);
        int mark = buf.position();
        buf.putShort((short) 0).putShort((short) type);
        return mark;
    }

    void endNested(int mark) {
        buf.putShort(mark, (short) (buf.position() - mark));
    }

    /** The finished message with its length and sequence number filled in. */
    byte[] finish(int seq) {
        buf.putInt(0, buf.position());
        buf.putInt(8, seq);
        return Arrays.copyOf(buf.array(), buf.position());
    }

    private void pad() {
        while ((buf.position() & 3) != 0) {
            buf.put((byte) 0);
        }
    }

    private void ensure(int more) {
        if (buf.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + more))
                    .order(ByteOrder.nativeOrder());
            bigger.put(buf.array(), 0, buf.position());
            buf = bigger;
        }
    }
}
