package dev.berth.network.dns;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.time.Duration;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * One query on its way to the upstream resolvers, as a state machine on the {@link EventLoop}.
 * Each upstream in turn (the first {@link #MAX_UPSTREAMS}, as glibc and Docker use) gets the
 * query over UDP from a fresh socket, and over TCP (RFC 1035 4.2.2) when its UDP answer is
 * truncated; a timeout, an error, a SERVFAIL or a REFUSED moves on to the next. The query goes
 * out under a random id of its own (with the kernel's random source port, against spoofed
 * answers) and the answer comes back to the client under the client's id. When every upstream
 * failed, the last SERVFAIL or REFUSED an upstream sent is passed on, or else the prepared
 * failure reply.
 */
final class Forward implements EventLoop.Handler {
    /** resolv.conf(5)'s MAXNS, and Docker's maxExtDNS. */
    static final int MAX_UPSTREAMS = 3;
    private static final int HEADER = 12;
    private static final int RCODE_SERVFAIL = 2;
    private static final int RCODE_REFUSED = 5;

    private final EventLoop loop;
    private final List<InetSocketAddress> upstreams;
    private final Duration timeout;
    private final byte[] query;
    private final int clientId;
    private final byte[] failure;
    private final BiConsumer<Forward, byte[]> done;

    private int next;
    private byte[] fallback;
    private AbstractSelectableChannel current;
    private EventLoop.Timer timer;
    private ByteBuffer tcpOut;
    private ByteBuffer tcpIn;
    private boolean finished;

    /**
     * @param query the client's query; its first two bytes are replaced by {@code ourId}
     * @param failure what the client gets when no upstream answers, already under its id
     */
    Forward(EventLoop loop, List<InetSocketAddress> upstreams, Duration timeout, byte[] query, int ourId,
            byte[] failure, BiConsumer<Forward, byte[]> done) {
        this.loop = loop;
        this.upstreams = upstreams.subList(0, Math.min(MAX_UPSTREAMS, upstreams.size()));
        this.timeout = timeout;
        this.query = query.clone();
        this.clientId = ((query[0] & 0xff) << 8) | (query[1] & 0xff);
        this.query[0] = (byte) (ourId >> 8);
        this.query[1] = (byte) ourId;
        this.failure = failure;
        this.done = done;
    }

    void start() {
        tryNext();
    }

    /** The client is gone: drop the query without answering. */
    void cancel() {
        finished = true;
        release();
    }

    @Override
    public void ready(SelectionKey key) throws IOException {
        if (finished) {
            return;
        }
        if (current instanceof DatagramChannel udp) {
            readUdp(udp);
        } else if (current instanceof SocketChannel tcp) {
            if (key.isConnectable() && tcp.finishConnect()) {
                key.interestOps(SelectionKey.OP_WRITE);
            }
            if (key.isValid() && key.isWritable()) {
                tcp.write(tcpOut);
                if (!tcpOut.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ);
                }
            }
            if (key.isValid() && key.isReadable()) {
                readTcp(tcp);
            }
        }
    }

    @Override
    public void failed(Exception cause) {
        if (!finished) {
            tryNext(); // connection refused, port unreachable, reset: this upstream is no good
        }
    }

    private void tryNext() {
        release();
        while (next < upstreams.size()) {
            InetSocketAddress upstream = upstreams.get(next++);
            try {
                sendUdp(upstream);
                return;
            } catch (IOException | RuntimeException e) {
                release(); // an unreachable network, or no IPv6 on this host: the next one may do
            }
        }
        finish(fallback != null ? fallback : failure);
    }

    private void sendUdp(InetSocketAddress upstream) throws IOException {
        DatagramChannel udp = DatagramChannel.open(family(upstream));
        current = udp;
        udp.connect(upstream); // the kernel then drops datagrams from anyone but the upstream
        loop.register(udp, SelectionKey.OP_READ, this);
        udp.write(ByteBuffer.wrap(query));
        armTimer();
    }

    private void readUdp(DatagramChannel udp) throws IOException {
        for (int i = 0; i < 8; i++) {
            ByteBuffer buffer = loop.scratch();
            if (udp.read(buffer) <= 0) {
                return;
            }
            buffer.flip();
            byte[] answer = new byte[buffer.remaining()];
            buffer.get(answer);
            if (!answersUs(answer)) {
                continue; // a stray or forged datagram: keep waiting for the real one
            }
            if ((answer[2] & 0x02) != 0) {
                sendTcp((InetSocketAddress) udp.getRemoteAddress());
            } else {
                accept(answer);
            }
            return;
        }
    }

    private void sendTcp(InetSocketAddress upstream) throws IOException {
        release();
        SocketChannel tcp = SocketChannel.open(family(upstream));
        current = tcp;
        tcpOut = ByteBuffer.allocate(2 + query.length).putShort((short) query.length).put(query).flip();
        tcpIn = ByteBuffer.allocate(2 + 65_535);
        tcp.configureBlocking(false);
        boolean connected = tcp.connect(upstream);
        loop.register(tcp, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT, this);
        armTimer();
    }

    private void readTcp(SocketChannel tcp) throws IOException {
        if (tcp.read(tcpIn) < 0) {
            throw new IOException("upstream closed the connection");
        }
        if (tcpIn.position() < 2) {
            return;
        }
        int length = tcpIn.getShort(0) & 0xffff;
        if (tcpIn.position() < 2 + length) {
            return;
        }
        byte[] answer = new byte[length];
        tcpIn.get(2, answer);
        if (!answersUs(answer)) {
            throw new IOException("upstream answered another query");
        }
        accept(answer);
    }

    private boolean answersUs(byte[] answer) {
        return answer.length >= HEADER && answer[0] == query[0] && answer[1] == query[1] && (answer[2] & 0x80) != 0;
    }

    private void accept(byte[] answer) {
        answer[0] = (byte) (clientId >> 8);
        answer[1] = (byte) clientId;
        int rcode = answer[3] & 0x0f;
        if (rcode == RCODE_SERVFAIL || rcode == RCODE_REFUSED) {
            fallback = answer;
            tryNext();
        } else {
            finish(answer);
        }
    }

    private void armTimer() {
        if (timer != null) {
            timer.cancel();
        }
        timer = loop.schedule(timeout, () -> {
            if (!finished) {
                tryNext();
            }
        });
    }

    private void finish(byte[] answer) {
        finished = true;
        release();
        done.accept(this, answer);
    }

    private void release() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
        if (current != null) {
            try {
                current.close();
            } catch (IOException e) {
                // nothing was in flight that we still want
            }
            current = null;
        }
    }

    private static StandardProtocolFamily family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }
}
