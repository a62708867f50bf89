package dev.berth.network.nat;

import java.util.Locale;

/** The transport protocols a port can be published for, named as nft and Docker write them. */
public enum Protocol {
    TCP,
    UDP;

    /** "tcp" or "udp": the nft keyword, and Docker's suffix in {@code 8080/tcp}. */
    public String keyword() {
        return name().toLowerCase(Locale.ROOT);
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
