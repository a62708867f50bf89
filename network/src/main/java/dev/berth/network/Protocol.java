package dev.berth.network;

import java.util.Locale;

/**
 * The transport protocols a port can be published for ({@code -p 53:53/udp}), named as nft and
 * Docker write them; the firewall's DNAT and the userland proxy share it.
 */
public enum Protocol {
    TCP,
    UDP;

    /** "tcp" or "udp": the nft keyword, and Docker's suffix in {@code 8080/tcp}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** As Docker writes it in port specs and errors: {@code tcp}, {@code udp}. */
    @Override
    public String toString() {
        return keyword();
    }

    /** The protocol for {@code keyword} ("tcp", "UDP"); fails for anything else. */
    public static Protocol of(String keyword) {
        return switch (keyword.toLowerCase(Locale.ROOT)) {
            case "tcp" -> TCP;
            case "udp" -> UDP;
            default -> throw new IllegalArgumentException("unsupported protocol: " + keyword);
        };
    }
}
