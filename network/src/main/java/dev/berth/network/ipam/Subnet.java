package dev.berth.network.ipam;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * An IPv4 subnet in CIDR form ({@code 172.18.0.0/16}): a network address whose host bits are
 * all zero and a prefix length. Addresses inside it are numbered from 0 (the network address)
 * to {@code size() - 1} (the broadcast address), which is how the allocator walks them.
 *
 * <p>A subnet whose text has host bits set ({@code 172.18.0.1/16}) is refused, as dockerd 25+
 * refuses it ({@code invalid subnet 172.18.0.1/16: it should be 172.18.0.0/16}, moby PR 45759);
 * {@link #enclosing} is for the one place where such text is meant, {@code --bip}, which names
 * the gateway and its subnet at once.
 */
public record Subnet(Inet4Address network, int prefixLength) {

    public Subnet {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("invalid prefix length " + prefixLength + ": it must be 0 to 32");
        }
        int bits = bits(network);
        if ((bits & mask(prefixLength)) != bits) {
            throw new IllegalArgumentException("invalid subnet " + network.getHostAddress() + "/" + prefixLength
                    + ": it should be " + fromBits(bits & mask(prefixLength)).getHostAddress() + "/" + prefixLength);
        }
    }

    /** Parses {@code a.b.c.d/n}; dockerd's wording for bad text ({@code invalid CIDR address: x}). */
    public static Subnet parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        Inet4Address address = parseAddress(cidr.substring(0, slash), cidr);
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        if (prefix < 0 || prefix > 32 || !cidr.substring(slash + 1).chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("invalid CIDR address: " + cidr);
        }
        return new Subnet(address, prefix);
    }

    /** The subnet of {@code prefixLength} bits that holds {@code address} ({@code --bip 172.17.0.1/16}). */
    public static Subnet enclosing(Inet4Address address, int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("invalid prefix length " + prefixLength + ": it must be 0 to 32");
        }
        return new Subnet(fromBits(bits(address) & mask(prefixLength)), prefixLength);
    }

    /**
     * Parses a dotted-quad IPv4 address without any name lookup ({@code InetAddress.getByName}
     * would resolve a host name, and accepts forms like {@code 10.1}). {@code context} names the
     * whole text in the error.
     */
    public static Inet4Address parseAddress(String text, String context) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("invalid CIDR address: " + context);
        }
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw new IllegalArgumentException("invalid CIDR address: " + context);
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                throw new IllegalArgumentException("invalid CIDR address: " + context);
            }
            b[i] = (byte) v;
        }
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an address", e);
        }
    }

    /** How many addresses the subnet spans, network and broadcast included. */
    public long size() {
        return 1L << (32 - prefixLength);
    }

    public boolean contains(Inet4Address address) {
        return (bits(address) & mask(prefixLength)) == bits(network);
    }

    /** True when {@code other} lies wholly inside this subnet. */
    public boolean contains(Subnet other) {
        return other.prefixLength >= prefixLength && contains(other.network);
    }

    /** Two CIDR blocks overlap exactly when one contains the other. */
    public boolean overlaps(Subnet other) {
        return contains(other) || other.contains(this);
    }

    /** The {@code n}-th address of the subnet, 0 being the network address. */
    public Inet4Address address(long n) {
        if (n < 0 || n >= size()) {
            throw new IndexOutOfBoundsException("address " + n + " of " + this + ": the subnet has " + size());
        }
        return fromBits((int) (bits(network) + n));
    }

    /** Where {@code address} sits in the subnet, the inverse of {@link #address(long)}. */
    public long offsetOf(Inet4Address address) {
        if (!contains(address)) {
            throw new IllegalArgumentException(address.getHostAddress() + " is not in " + this);
        }
        return Integer.toUnsignedLong(bits(address)) - Integer.toUnsignedLong(bits(network));
    }

    public Inet4Address broadcast() {
        return address(size() - 1);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }

    static int bits(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    static Inet4Address fromBits(int bits) {
        byte[] b = {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
        try {
            return (Inet4Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an address", e);
        }
    }

    private static int mask(int prefixLength) {
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }
}
