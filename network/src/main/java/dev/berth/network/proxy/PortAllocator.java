package dev.berth.network.proxy;

import dev.berth.network.Protocol;
import java.io.FileInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.nio.channels.NetworkChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Chooses host ports for ports published without one ({@code -p 80}, {@code -P}) and remembers
 * every host port Berth holds, so two containers are never promised the same one.
 *
 * <p>It behaves as dockerd's port allocator (moby {@code libnetwork/portallocator}): ports come
 * from the kernel's ephemeral range, {@code /proc/sys/net/ipv4/ip_local_port_range} (49153–65535
 * when that cannot be read), handed out in turn after the last one given rather than at
 * random, so a port just released is not given again at once. A port is never handed out
 * when Berth already holds it for the same protocol on the same address, or on the wildcard
 * address, which covers every address. Unlike the old dockerd allocator, it also asks the kernel,
 * by binding the port for a moment, and skips ports that other programs hold.
 */
public final class PortAllocator {
    private static final Path RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private record Held(Protocol protocol, InetAddress hostIp, int port) {}

    private final int first;
    private final int last;
    private final Set<Held> held = new HashSet<>();
    private int previous;

    /** An allocator over the kernel's ephemeral port range. */
    public PortAllocator() {
        int[] range = kernelRange();
        this(range[0], range[1]);
    }

    public PortAllocator(int first, int last) {
        if (first < 1 || last > 65535 || first > last) {
            throw new IllegalArgumentException("invalid port range " + first + "-" + last);
        }
        this.first = first;
        this.last = last;
        this.previous = last; // so the first port handed out is the first of the range
    }

    public int first() {
        return first;
    }

    public int last() {
        return last;
    }

    /** A free host port for {@code protocol} on {@code hostIp}, now held by Berth until released. */
    public synchronized int allocate(Protocol protocol, InetAddress hostIp) throws IOException {
        int port = previous;
        for (int i = 0; i <= last - first; i++) {
            port = port >= last ? first : port + 1;
            if (!isHeld(protocol, hostIp, port) && kernelHasFree(protocol, hostIp, port)) {
                held.add(new Held(protocol, hostIp, port));
                previous = port;
                return port;
            }
        }
        throw new IOException("all ports are allocated");
    }

    /** Holds a host port the user named ({@code -p 8080:80}). */
    public synchronized void reserve(Protocol protocol, InetAddress hostIp, int port) throws PortAllocatedException {
        if (isHeld(protocol, hostIp, port)) {
            throw new PortAllocatedException(hostIp, port);
        }
        held.add(new Held(protocol, hostIp, port));
    }

    /** Lets go of a port handed out or reserved; one not held is ignored. */
    public synchronized void release(Protocol protocol, InetAddress hostIp, int port) {
        held.remove(new Held(protocol, hostIp, port));
    }

    private boolean isHeld(Protocol protocol, InetAddress hostIp, int port) {
        for (Held h : held) {
            if (h.protocol() == protocol && h.port() == port
                    && (h.hostIp().equals(hostIp) || h.hostIp().isAnyLocalAddress() || hostIp.isAnyLocalAddress())) {
                return true;
            }
        }
        return false;
    }

    /** Binds the port for a moment; a port some other socket holds fails with EADDRINUSE. */
    private static boolean kernelHasFree(Protocol protocol, InetAddress hostIp, int port) {
        try (NetworkChannel ch = protocol == Protocol.TCP ? ServerSocketChannel.open() : DatagramChannel.open()) {
            if (protocol == Protocol.TCP) {
                // a port whose old connections linger in TIME_WAIT is free for a listener
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            }
            ch.bind(new InetSocketAddress(hostIp, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The range in one read(2): the kernel's integer sysctl handlers return end-of-file to a read
     * at a non-zero offset, and Files.readString reads a size-0 procfs file in small steps, which
     * turns "32768 60999" into "3" (the same trap runtime's HostFacts.readSysctl notes).
     */
    private static int[] kernelRange() {
        try (FileInputStream in = new FileInputStream(RANGE.toFile())) {
            byte[] buf = new byte[64];
            int n = in.read(buf);
            String[] parts = new String(buf, 0, Math.max(n, 0), StandardCharsets.US_ASCII).strip().split("\\s+");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {49153, 65535}; // dockerd's fallback (DefaultPortRangeStart/End)
        }
    }
}
