package dev.berth.linux;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * A network namespace kept alive by a bind mount of its nsfs file onto an ordinary empty file,
 * the <em>pin</em>, as {@code ip netns add} does under {@code /run/netns}. The pin outlives
 * every process and socket in the namespace and can be reopened by path after a daemon
 * restart; unmounting it (with nothing else inside) ends the namespace and every interface in it.
 *
 * <p>Entering a namespace is a per-thread act ({@code setns(2)}), so this class never moves
 * the caller's thread: {@link #create} and {@link #call} run on a few dedicated platform
 * threads that go back to the daemon's own namespace after each task (see
 * {@code NamespaceThreads}). Sockets keep the namespace they were made in, so a socket opened
 * inside {@link #call} (a DNS server's, a netlink socket's) goes on acting there afterwards.
 *
 * <p>A mount namespace created after a pin holds a copy of the pin's mount, and with it the
 * namespace, until that copy goes: a container that pivots its root and detaches the old one
 * drops it; anything else that unshares the mount namespace should unmount the pin
 * directory, or the daemon should make that directory a shared mount so unmounts propagate
 * (what {@code ip netns} does with {@code /run/netns}).
 *
 * <p>The namespace descriptor that rtnetlink needs to place an interface inside it
 * ({@code IFLA_NET_NS_FD}) is opened on first use and held until {@link #close()} or
 * {@link #delete()}; thread-safe.
 */
public final class NetNamespace implements AutoCloseable {
    private final Path pin;
    private int fd = -1;

    private NetNamespace(Path pin, int fd) {
        this.pin = pin;
        this.fd = fd;
    }

    /**
     * Creates a new network namespace pinned at {@code pin} (an empty file it creates, and its
     * parent directories) with its loopback interface up. On failure nothing is left behind.
     */
    public static NetNamespace create(Path pin) throws IOException {
        Path file = pin.toAbsolutePath().normalize();
        Files.createDirectories(file.getParent());
        try {
            Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
            throw new ErrnoException("create network namespace " + file, ErrnoException.EEXIST);
        }
        try {
            NamespaceThreads.run(() -> {
                NamespaceCalls.unshareNetNamespace();
                // /proc/thread-self: this thread's namespace; /proc/self would be the main thread's
                Mounts.mount("/proc/thread-self/ns/net", file, null, Mounts.MS_BIND, null);
                try (Rtnetlink rtnl = Rtnetlink.open()) {
                    rtnl.setUp("lo");
                } catch (IOException | RuntimeException e) {
                    Mounts.unmount(file, Mounts.MNT_DETACH);
                    throw e;
                }
                return null;
            });
        } catch (Exception e) {
            Files.deleteIfExists(file);
            throw rethrow(e);
        }
        return new NetNamespace(file, -1);
    }

    /**
     * The namespace pinned at {@code pin}; fails unless {@code pin} is a network namespace's
     * nsfs file (a pin, or {@code /proc/<pid>/ns/net}, which {@link #delete()} cannot remove).
     * The descriptor opened for the check stays open until {@link #close()}.
     */
    public static NetNamespace open(Path pin) throws ErrnoException {
        Path file = pin.toAbsolutePath().normalize();
        return new NetNamespace(file, NamespaceCalls.openNetNamespace(file));
    }

    public Path path() {
        return pin;
    }

    /**
     * Runs {@code work} on a platform thread inside this namespace and returns its result or
     * rethrows what it threw. Waits for {@code work} to end even when interrupted. Threads that
     * {@code work} starts are born inside this namespace and stay there; do not start pooled
     * or long-lived ones from it.
     */
    public <T> T call(Callable<T> work) throws Exception {
        return NamespaceThreads.run(() -> {
            enter();
            return work.call();
        });
    }

    /**
     * Moves the calling (namespace) thread in. Holding the lock across setns keeps a
     * concurrent {@link #close()} from closing the descriptor, whose number could otherwise be
     * reused by an unrelated open before setns reads it.
     */
    private synchronized void enter() throws ErrnoException {
        NamespaceCalls.setNetNamespace(fd(), "enter network namespace " + pin);
    }

    /**
     * The namespace's descriptor (close-on-exec), opened on first use and owned by this object:
     * valid until {@link #close()}. For {@code IFLA_NET_NS_FD} and {@code setns(2)}.
     */
    synchronized int fd() throws ErrnoException {
        if (fd < 0) {
            fd = NamespaceCalls.openNetNamespace(pin);
        }
        return fd;
    }

    /** Closes the descriptor if open; the namespace itself stays, pinned. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
    }

    /**
     * Unmounts the pin (lazily: processes and sockets still inside keep the namespace until
     * they end) and removes the file. Deleting a namespace that is already gone succeeds.
     */
    public void delete() throws IOException {
        close();
        try {
            Mounts.unmount(pin, Mounts.MNT_DETACH | Mounts.UMOUNT_NOFOLLOW);
        } catch (ErrnoException e) {
            // EINVAL: not (or no longer) a mount point; ENOENT: no file
            if (e.errno() != ErrnoException.EINVAL && e.errno() != ErrnoException.ENOENT) {
                throw e;
            }
        }
        Files.deleteIfExists(pin);
    }

    @Override
    public String toString() {
        return "network namespace " + pin;
    }

    private static IOException rethrow(Exception e) {
        if (e instanceof IOException io) {
            return io;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        return new IOException(e.getMessage(), e);
    }
}
