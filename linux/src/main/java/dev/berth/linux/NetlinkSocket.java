package dev.berth.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A netlink socket ({@code socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol)}, netlink(7))
 * that sends one request at a time and reads the kernel's answer to it. The socket belongs to
 * the network namespace of the thread that opened it for its whole life, whichever thread
 * later uses it: that is how {@link Rtnetlink#openIn} acts inside another namespace.
 *
 * <p>Every request carries {@code NLM_F_ACK} and its own sequence number; the kernel echoes
 * the number in every reply, and replies with another number (left over from an interrupted
 * request) are skipped. A request ends at its {@code NLMSG_ERROR} (error 0 is the ack) or, for
 * a dump, at {@code NLMSG_DONE}. Thread-safe: requests are serialized.
 */
final class NetlinkSocket implements AutoCloseable {
    private static final int AF_NETLINK = 16;
    private static final int SOCK_RAW = 3;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_NETLINK = 270;
    /** Errors carry only the failed request's header, not the whole request back. */
    private static final int NETLINK_CAP_ACK = 10;
    /** Errors carry the kernel's explanation ({@code NLMSGERR_ATTR_MSG}). */
    private static final int NETLINK_EXT_ACK = 11;
    /** {@code NLM_F_DUMP_INTR}: the table changed during the dump, which may have missed entries. */
    private static final int NLM_F_DUMP_INTR = 0x10;
    /** netlink(7) advises 8 KiB at least; the kernel fills dump messages up to 32 KiB. */
    private static final int RECEIVE_BUFFER = 64 * 1024;

    /** {@code MSG_TRUNC} on recv: return a datagram's real length even when it did not fit. */
    private static final int MSG_TRUNC = 0x20;

    private int fd;
    private int seq;

    private static final class Socket {
        static final MethodHandle H = LibC.handle("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
    }

    private static final class SetSockOpt {
        static final MethodHandle H = LibC.handle("setsockopt", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.JAVA_INT), true);
    }

    private static final class SendTo {
        static final MethodHandle H = LibC.handle("sendto", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT), true);
    }

    private static final class Recv {
        static final MethodHandle H = LibC.handle("recv", FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT), true);
    }

    private NetlinkSocket(int fd) {
        this.fd = fd;
        // seq starts somewhere else for each socket so that a reply is never taken for another's
        this.seq = (int) (System.nanoTime() & 0x3fffffff);
    }

    /** Opens a socket for {@code protocol} ({@code NETLINK_ROUTE} is 0) in the calling thread's namespace. */
    static NetlinkSocket open(int protocol) throws ErrnoException {
        int fd;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(LibC.CALL_STATE);
            fd = (int) Socket.H.invokeExact(st, AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                throw new ErrnoException("open netlink socket", LibC.errno(st));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("socket downcall failed", t);
        }
        NetlinkSocket socket = new NetlinkSocket(fd);
        try {
            socket.setOption(NETLINK_CAP_ACK);
            socket.setOption(NETLINK_EXT_ACK);
        } catch (ErrnoException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /**
     * Sends {@code message} and waits for its ack; returns the data messages received before
     * it (the reply of a get). A failure becomes an {@link ErrnoException} whose message starts
     * with {@code what}.
     */
    synchronized List<NetlinkReply> request(NetlinkMessage message, String what) throws ErrnoException {
        return exchange(message, what);
    }

    /**
     * Sends a dump request ({@code NLM_F_DUMP}) and returns every entry of the multipart reply,
     * starting over (a few times) when the kernel flags the dump as interrupted by a change.
     */
    synchronized List<NetlinkReply> dump(NetlinkMessage message, String what) throws ErrnoException {
        for (int attempt = 0; ; attempt++) {
            List<NetlinkReply> replies = exchange(message, what);
            boolean interrupted = replies.stream().anyMatch(r -> (r.flags() & NLM_F_DUMP_INTR) != 0);
            if (!interrupted || attempt == 3) {
                return replies;
            }
        }
    }

    private List<NetlinkReply> exchange(NetlinkMessage message, String what) throws ErrnoException {
        int fd = descriptor();
        int mySeq = ++seq;
        byte[] bytes = message.finish(mySeq);
        // Native memory per request, from a confined arena: about a microsecond. A shared arena
        // kept with the socket would cost a handshake with every JVM thread when it is closed
        // (measured at 0.03 to 0.25 ms per socket), and an automatic one a trip through the GC.
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(LibC.CALL_STATE);
            MemorySegment request = arena.allocateFrom(ValueLayout.JAVA_BYTE, bytes);
            MemorySegment receiveBuffer = arena.allocate(RECEIVE_BUFFER, 8);
            // struct sockaddr_nl of the kernel: family u16, pad u16, pid 0, groups 0
            MemorySegment kernel = arena.allocate(12, 4);
            kernel.set(ValueLayout.JAVA_SHORT, 0, (short) AF_NETLINK);
            long sent;
            do {
                sent = (long) SendTo.H.invokeExact(state, fd, request, (long) bytes.length, 0, kernel, 12);
            } while (sent < 0 && LibC.errno(state) == ErrnoException.EINTR);
            if (sent < 0) {
                throw new ErrnoException(what + " (send)", LibC.errno(state));
            }
            List<NetlinkReply> data = new ArrayList<>();
            while (true) {
                long n = (long) Recv.H.invokeExact(state, fd, receiveBuffer, (long) RECEIVE_BUFFER, MSG_TRUNC);
                if (n < 0) {
                    if (LibC.errno(state) == ErrnoException.EINTR) {
                        continue;
                    }
                    throw new ErrnoException(what + " (receive)", LibC.errno(state));
                }
                if (n > RECEIVE_BUFFER) {
                    // the kernel caps dump datagrams at 32 KiB, so only a huge single reply gets here
                    throw new IllegalStateException(what + ": netlink reply of " + n + " bytes is too long");
                }
                ByteBuffer received = receiveBuffer.asSlice(0, n).asByteBuffer();
                for (NetlinkReply r : NetlinkReply.split(received)) {
                    if (r.seq() != mySeq || r.type() == NetlinkMessage.NLMSG_NOOP) {
                        continue; // stray: an answer to an earlier request that failed half-way
                    }
                    switch (r.type()) {
                        case NetlinkMessage.NLMSG_ERROR, NetlinkMessage.NLMSG_DONE -> {
                            if (r.error() < 0) {
                                throw failure(what, r);
                            }
                            return data;
                        }
                        case NetlinkMessage.NLMSG_OVERRUN ->
                                throw new IllegalStateException(what + ": netlink reply overrun");
                        default -> data.add(copy(r));
                    }
                }
            }
        } catch (ErrnoException | RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("netlink downcall failed", t);
        }
    }

    /** {@code add veth x: file exists}, with the kernel's extended ack in parentheses when it gave one. */
    private static ErrnoException failure(String what, NetlinkReply r) {
        String why = r.extendedAck();
        if (why != null && !why.isBlank()) {
            what = what + " (" + why.substring(0, 1).toLowerCase(Locale.ROOT) + why.substring(1) + ")";
        }
        return new ErrnoException(what, -r.error());
    }

    /** A reply whose payload no longer points into the receive buffer, which the next recv overwrites. */
    private static NetlinkReply copy(NetlinkReply r) {
        ByteBuffer p = ByteBuffer.allocate(r.payload().limit()).order(r.payload().order());
        p.put(0, r.payload(), 0, r.payload().limit());
        return new NetlinkReply(r.type(), r.flags(), r.seq(), p);
    }

    private void setOption(int option) throws ErrnoException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(LibC.CALL_STATE);
            MemorySegment one = a.allocateFrom(ValueLayout.JAVA_INT, 1);
            int rc = (int) SetSockOpt.H.invokeExact(st, fd, SOL_NETLINK, option, one, 4);
            if (rc != 0) {
                throw new ErrnoException("setsockopt netlink option " + option, LibC.errno(st));
            }
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("setsockopt downcall failed", t);
        }
    }

    private int descriptor() {
        if (fd < 0) {
            throw new IllegalStateException("netlink socket closed");
        }
        return fd;
    }

    @Override
    public synchronized void close() {
        if (fd >= 0) {
            LibC.close(fd);
            fd = -1;
        }
    }
}
