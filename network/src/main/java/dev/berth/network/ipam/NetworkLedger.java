package dev.berth.network.ipam;

import java.net.Inet4Address;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * The addresses taken on one network and where the round-robin search stopped. Not thread-safe:
 * {@link Ipam} holds its lock around every use.
 *
 * <p>Addresses are kept as offsets into the subnet (0 = network address), the numbering that
 * {@link Subnet#address(long)} gives. The network and broadcast addresses of subnets of /30 and
 * wider are never handed out (on a /31 or /32 there are none: RFC 3021), and neither is the
 * gateway.
 */
final class NetworkLedger {
    private final NetworkAddressing addressing;
    private final Map<Long, String> owners = new HashMap<>();
    private final long rangeStart;
    private final long rangeSize;
    /** Offset of the address last handed out by search, -1 before the first. */
    private long last = -1;

    NetworkLedger(NetworkAddressing addressing) {
        this.addressing = addressing;
        this.rangeStart = addressing.subnet().offsetOf(addressing.ipRange().network());
        this.rangeSize = addressing.ipRange().size();
    }

    NetworkAddressing addressing() {
        return addressing;
    }

    boolean isTaken(long offset) {
        Subnet subnet = addressing.subnet();
        boolean reserved = subnet.prefixLength() <= 30 && (offset == 0 || offset == subnet.size() - 1);
        return reserved || offset == subnet.offsetOf(addressing.gateway()) || owners.containsKey(offset);
    }

    /**
     * The next free offset in the ip range after the last one handed out, wrapping at the end,
     * or -1 when the range is full. dockerd searches the same way (libnetwork's serial
     * allocation), so a container that just let go of an address does not pass it at once to
     * the next one, whose peers may still hold the old owner's ARP entry or DNS answer.
     */
    long nextFree() {
        long from = last >= rangeStart && last < rangeStart + rangeSize ? last - rangeStart + 1 : 0;
        for (long i = 0; i < rangeSize; i++) {
            long offset = rangeStart + (from + i) % rangeSize;
            if (!isTaken(offset)) {
                return offset;
            }
        }
        return -1;
    }

    void take(long offset, String owner, boolean searched) {
        owners.put(offset, owner);
        if (searched) {
            last = offset;
        }
    }

    /** Puts back what a {@link #take} changed, when its write to disk failed. */
    void untake(long offset, long previousLast) {
        owners.remove(offset);
        last = previousLast;
    }

    String release(long offset) {
        return owners.remove(offset);
    }

    long last() {
        return last;
    }

    void restoreLast(long offset) {
        last = offset;
    }

    boolean ownedBy(String owner) {
        return owners.containsValue(owner);
    }

    /** Addresses handed out, in address order, with their owners. */
    Map<Inet4Address, String> allocations() {
        Map<Inet4Address, String> out = new LinkedHashMap<>();
        new TreeMap<>(owners).forEach((offset, owner) -> out.put(addressing.subnet().address(offset), owner));
        return out;
    }

    Map<Long, String> owners() {
        return owners;
    }
}
