package dev.berth.linux;

import java.util.HexFormat;

/**
 * A 48-bit Ethernet (EUI-48) address, such as the one Docker derives from a container's IPv4
 * address ({@code 02:42:ac:11:00:02} for 172.17.0.2). Held as a number so that two equal
 * addresses are equal records; {@link #toString} writes it the way {@code ip link} does.
 *
 * @param value the six octets, most significant first, in the low 48 bits
 */
public record MacAddress(long value) {
    public MacAddress {
        if ((value & ~0xffff_ffff_ffffL) != 0) {
            throw new IllegalArgumentException("mac address has more than 48 bits: " + Long.toHexString(value));
        }
    }

    /** The address made of six octets. */
    public static MacAddress of(byte[] octets) {
        if (octets.length != 6) {
            throw new IllegalArgumentException("mac address needs 6 octets, got " + octets.length);
        }
        long v = 0;
        for (byte b : octets) {
            v = (v << 8) | (b & 0xff);
        }
        return new MacAddress(v);
    }

    /** Parses {@code 02:42:ac:11:00:02} (either case). */
    public static MacAddress parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 6) {
            throw new IllegalArgumentException("invalid mac address: " + text);
        }
        byte[] octets = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].length() != 2) {
                throw new IllegalArgumentException("invalid mac address: " + text);
            }
            try {
                octets[i] = (byte) HexFormat.fromHexDigits(parts[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid mac address: " + text, e);
            }
        }
        return of(octets);
    }

    public byte[] octets() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (value >>> (40 - 8 * i));
        }
        return b;
    }

    @Override
    public String toString() {
        return HexFormat.ofDelimiter(":").formatHex(octets());
    }
}
