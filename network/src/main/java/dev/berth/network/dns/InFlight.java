package dev.berth.network.dns;

/**
 * How many queries the whole server has out at the upstreams, each holding a socket, against a
 * cap (Docker's maxConcurrent is the same 1024): above it a query is answered SERVFAIL at once
 * rather than let hundreds of containers run the daemon out of descriptors. Used on the event
 * loop only.
 */
final class InFlight {
    static final int DEFAULT_LIMIT = 1024;

    private final int limit;
    private int count;

    InFlight(int limit) {
        this.limit = limit;
    }

    boolean tryAcquire() {
        if (count >= limit) {
            return false;
        }
        count++;
        return true;
    }

    void release() {
        count--;
    }

    int count() {
        return count;
    }
}
