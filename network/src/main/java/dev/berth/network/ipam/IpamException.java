package dev.berth.network.ipam;

/**
 * The one error type of the IPAM. Its {@link Kind} says what a caller can do about it, and the
 * daemon maps each kind to one HTTP status ({@code NOT_FOUND} 404, {@code CONFLICT} 409,
 * {@code INVALID_ARGUMENT} 400, {@code UNAVAILABLE} 503, {@code INTERNAL} 500).
 *
 * <p>Where Docker's clients and scripts match dockerd's words, the message is dockerd's:
 * {@code invalid pool request: Pool overlaps with other one on this address space},
 * {@code no matching subnet for gateway 10.1.0.1}, {@code Address already in use},
 * {@code all predefined address pools have been fully subnetted}.
 */
public final class IpamException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of failure this is, for callers that react to it or map it to a status. */
    public enum Kind {
        /** The network is not registered. */
        NOT_FOUND,
        /** The request collides with what is registered: an overlapping subnet, an address in use. */
        CONFLICT,
        /** The request contradicts itself: a gateway or range outside the subnet. */
        INVALID_ARGUMENT,
        /** Nothing is left to hand out: the network is full or the pools are used up. */
        UNAVAILABLE,
        /** The state directory could not be read or written. */
        INTERNAL
    }

    private final Kind kind;

    public IpamException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public IpamException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
