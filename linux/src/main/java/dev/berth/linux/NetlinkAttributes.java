package dev.berth.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@code struct rtattr} list that follows a family header in a netlink message, by type.
 * Each attribute is len u16 (header included), type u16, then the value, padded to 4 bytes
 * ({@code RTA_OK}, {@code RTA_NEXT} in {@code <linux/rtnetlink.h>}). The nested and
 * byte-order bits of the type ({@code NLA_F_NESTED}, {@code NLA_F_NET_BYTEORDER}) are masked
 * off; when a type repeats, the first one wins.
 */
final class NetlinkAttributes {
    /** {@code NLA_TYPE_MASK}: the type without the nested and net-byte-order flag bits. */
    private static final int TYPE_MASK = ~((1 << 15) | (1 << 14)) & 0xffff;

    private final Map<Integer, ByteBuffer> values;

    private NetlinkAttributes(Map<Integer, ByteBuffer> values) {
        this.values = values;
    }

    /** The attributes in {@code message} from {@code offset} (past the family header) to its limit. */
    static NetlinkAttributes parse(ByteBuffer message, int offset) {
        Map<Integer, ByteBuffer> values = new HashMap<>();
        int at = offset;
        while (message.limit() - at >= 4) {
            int length = Short.toUnsignedInt(message.getShort(at));
            if (length < 4 || length > message.limit() - at) {
                break;
            }
            int type = Short.toUnsignedInt(message.getShort(at + 2)) & TYPE_MASK;
            values.putIfAbsent(type, message.slice(at + 4, length - 4).order(ByteOrder.nativeOrder()));
            at += NetlinkMessage.align(length);
        }
        return new NetlinkAttributes(values);
    }

    boolean has(int type) {
        return values.containsKey(type);
    }

    /** The raw value, or null when absent. */
    byte[] bytes(int type) {
        ByteBuffer v = values.get(type);
        if (v == null) {
            return null;
        }
        byte[] b = new byte[v.limit()];
        v.get(0, b);
        return b;
    }

    /** A u32 or s32 in host byte order, or {@code absent}. */
    int u32(int type, int absent) {
        ByteBuffer v = values.get(type);
        return v == null || v.limit() < 4 ? absent : v.getInt(0);
    }

    /** A string value without its terminating NUL, or null. */
    String string(int type) {
        ByteBuffer v = values.get(type);
        if (v == null) {
            return null;
        }
        int end = 0;
        while (end < v.limit() && v.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end];
        v.get(0, b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The attributes nested inside {@code type}, empty when absent. */
    NetlinkAttributes nested(int type) {
        ByteBuffer v = values.get(type);
        return v == null ? new NetlinkAttributes(Map.of()) : parse(v, 0);
    }
}
