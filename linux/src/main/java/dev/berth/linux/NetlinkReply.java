package dev.berth.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * One message the kernel sent on a netlink socket: the {@code struct nlmsghdr} fields and the
 * payload after it. A single {@code recv} can carry several, one after another at 4-byte
 * aligned offsets ({@code NLMSG_NEXT} in {@code <linux/netlink.h>}); {@link #split} cuts them.
 *
 * @param payload the bytes after the header, in host byte order, positioned at 0
 */
record NetlinkReply(int type, int flags, int seq, ByteBuffer payload) {
    /** {@code NLM_F_ACK_TLVS}: an error message carries extended-ack attributes. */
    private static final int NLM_F_ACK_TLVS = 0x200;
    /** {@code NLMSGERR_ATTR_MSG}: the kernel's text for why a request failed. */
    private static final int NLMSGERR_ATTR_MSG = 1;

    /** The messages in {@code received} (from its position to its limit); a truncated tail is dropped. */
    static List<NetlinkReply> split(ByteBuffer received) {
        ByteBuffer b = received.slice().order(ByteOrder.nativeOrder());
        List<NetlinkReply> replies = new ArrayList<>();
        int at = 0;
        while (b.limit() - at >= NetlinkMessage.HEADER_LENGTH) {
            int length = b.getInt(at);
            if (length < NetlinkMessage.HEADER_LENGTH || length > b.limit() - at) {
                break; // NLMSG_OK fails: nothing sane follows
            }
            int type = Short.toUnsignedInt(b.getShort(at + 4));
            int flags = Short.toUnsignedInt(b.getShort(at + 6));
            int seq = b.getInt(at + 8);
            ByteBuffer payload = b.slice(at + NetlinkMessage.HEADER_LENGTH, length - NetlinkMessage.HEADER_LENGTH)
                    .order(ByteOrder.nativeOrder());
            replies.add(new NetlinkReply(type, flags, seq, payload));
            at += NetlinkMessage.align(length);
        }
        return replies;
    }

    /**
     * For {@code NLMSG_ERROR} and {@code NLMSG_DONE}: the {@code int error} that starts the
     * payload, 0 for success (an ack) or a negative errno.
     */
    int error() {
        return payload.limit() >= 4 ? payload.getInt(0) : 0;
    }

    /**
     * The kernel's explanation attached to an {@code NLMSG_ERROR} (extended ack, enabled by
     * {@code NETLINK_EXT_ACK}), or null. With {@code NETLINK_CAP_ACK} the error carries only
     * the header of the failed request, so the attributes start after error (4) and nlmsghdr (16).
     */
    String extendedAck() {
        if (type != NetlinkMessage.NLMSG_ERROR || (flags & NLM_F_ACK_TLVS) == 0) {
            return null;
        }
        int start = 4 + NetlinkMessage.HEADER_LENGTH;
        if (payload.limit() <= start) {
            return null;
        }
        return NetlinkAttributes.parse(payload, start).string(NLMSGERR_ATTR_MSG);
    }
}
