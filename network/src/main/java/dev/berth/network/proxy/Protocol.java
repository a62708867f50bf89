package dev.berth.network.proxy;

/** The transport protocols a published port can carry; {@code -p 53:53/udp} names one. */
public enum Protocol {
    TCP,
    UDP;

    /** As Docker writes it in port specs and errors: {@code tcp}, {@code udp}. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
