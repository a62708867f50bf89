package dev.berth.network.dns;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;

/**
 * One container's side of the embedded server: its UDP socket and TCP listening socket (both
 * bound to 127.0.0.11:53 in its namespace by the daemon), the TCP connections accepted on it,
 * the queries it has forwarded, and the {@link NameLookup} that says what it can see. All of it
 * lives on the {@link EventLoop}; {@link #close()} may be called from any thread.
 */
final class ContainerResolver implements EmbeddedDns.Registration {
    private static final System.Logger LOG = System.getLogger(ContainerResolver.class.getName());
    /** Datagrams read per wake-up, so that one busy container cannot starve the others. */
    private static final int DATAGRAMS_PER_TURN = 32;
    /** Caps on what one container may hold open, so it cannot take all of the server's forwarding slots. */
    static final int MAX_FORWARDS = 128;
    static final int MAX_TCP_CLIENTS = 16;

    private final EventLoop loop;
    private final DatagramChannel udp;
    private final ServerSocketChannel tcp;
    private final NameLookup names;
    private final List<InetSocketAddress> upstreams;
    private final Duration timeout;
    private final SecureRandom random;
    private final InFlight inFlight;
    private final Set<Forward> forwards = new HashSet<>();
    private final Set<TcpClient> clients = new HashSet<>();
    private boolean open = true;

    ContainerResolver(EventLoop loop, DatagramChannel udp, ServerSocketChannel tcp, NameLookup names,
            List<InetSocketAddress> upstreams, Duration timeout, SecureRandom random, InFlight inFlight) {
        this.loop = loop;
        this.udp = udp;
        this.tcp = tcp;
        this.names = names;
        this.upstreams = List.copyOf(upstreams);
        this.timeout = timeout;
        this.random = random;
        this.inFlight = inFlight;
    }

    /** Registers the channels with the loop; runs on the loop. */
    void start() throws IOException {
        loop.register(udp, SelectionKey.OP_READ, new EventLoop.Handler() {
            @Override
            public void ready(SelectionKey key) throws IOException {
                receiveDatagrams();
            }

            @Override
            public void failed(Exception cause) {
                LOG.log(Level.DEBUG, "dns: receive on {0}: {1}", udp, cause.getMessage());
            }
        });
        if (tcp != null) {
            loop.register(tcp, SelectionKey.OP_ACCEPT, new EventLoop.Handler() {
                @Override
                public void ready(SelectionKey key) throws IOException {
                    acceptConnections();
                }

                @Override
                public void failed(Exception cause) {
                    LOG.log(Level.DEBUG, "dns: accept on {0}: {1}", tcp, cause.getMessage());
                }
            });
        }
    }

    private void receiveDatagrams() throws IOException {
        for (int i = 0; i < DATAGRAMS_PER_TURN && open; i++) {
            ByteBuffer buffer = loop.scratch();
            SocketAddress client = udp.receive(buffer);
            if (client == null) {
                return;
            }
            buffer.flip();
            byte[] packet = new byte[buffer.remaining()];
            buffer.get(packet);
            query(packet, true, answer -> sendDatagram(answer, client));
        }
    }

    private void sendDatagram(byte[] answer, SocketAddress client) {
        if (!open) {
            return;
        }
        try {
            udp.send(ByteBuffer.wrap(answer), client); // a full send buffer drops it, as UDP may
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "dns: reply to {0}: {1}", client, e.getMessage());
        }
    }

    private void acceptConnections() throws IOException {
        for (SocketChannel connection; open && (connection = tcp.accept()) != null; ) {
            if (clients.size() >= MAX_TCP_CLIENTS) {
                connection.close();
                continue;
            }
            TcpClient client = new TcpClient(loop, connection, this);
            clients.add(client);
            client.start();
        }
    }

    void forget(TcpClient client) {
        clients.remove(client);
    }

    /**
     * Answers one query from the names, or forwards it; {@code reply} is called once, now or
     * later. Malformed packets and responses are dropped without a reply (and false returned),
     * so a garbage datagram costs nothing more.
     */
    boolean query(byte[] packet, boolean overUdp, Consumer<byte[]> reply) {
        Message query;
        try {
            query = new Message(packet);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "dns: dropped a malformed packet: {0}", e.getMessage());
            return false;
        }
        if (query.getHeader().getFlag(Flags.QR)) {
            return false; // a response sent to a server: answering it could start a loop
        }
        int limit = overUdp ? Answers.udpLimit(query) : 65_535;
        if (query.getHeader().getOpcode() != Opcode.QUERY) {
            reply.accept(Answers.reply(query, Rcode.NOTIMP).toWire(limit));
            return true;
        }
        if (query.getQuestion() == null || query.getHeader().getCount(0) != 1) {
            reply.accept(Answers.reply(query, Rcode.FORMERR).toWire(limit));
            return true;
        }
        Optional<Message> local;
        try {
            local = Answers.local(query, names);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "dns: name lookup failed", e);
            reply.accept(Answers.reply(query, Rcode.SERVFAIL).toWire(limit));
            return true;
        }
        if (local.isPresent()) {
            reply.accept(local.get().toWire(limit));
            return true;
        }
        forward(query, packet, limit, reply);
        return true;
    }

    private void forward(Message query, byte[] packet, int limit, Consumer<byte[]> reply) {
        byte[] failure = Answers.reply(query, Rcode.SERVFAIL).toWire(limit);
        if (upstreams.isEmpty() || forwards.size() >= MAX_FORWARDS || !inFlight.tryAcquire()) {
            reply.accept(failure);
            return;
        }
        Forward forward = new Forward(loop, upstreams, timeout, packet, random.nextInt(1 << 16), failure,
                (done, answer) -> {
                    forwards.remove(done);
                    inFlight.release();
                    if (open) {
                        reply.accept(answer.length > limit ? Answers.truncate(answer, limit, query) : answer);
                    }
                });
        forwards.add(forward);
        forward.start();
    }

    /** Stops serving: closes both channels, the TCP connections, and the queries in flight. */
    @Override
    public void close() {
        loop.call(() -> {
            if (!open) {
                return;
            }
            open = false;
            for (Forward forward : List.copyOf(forwards)) {
                forward.cancel();
                inFlight.release();
            }
            forwards.clear();
            for (TcpClient client : List.copyOf(clients)) {
                client.close();
            }
            closeQuietly(udp);
            closeQuietly(tcp);
            if (loop.inLoop()) {
                loop.flushClosed(); // release the descriptors now, not at the next wake-up
            }
        });
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "dns: close {0}: {1}", channel, e.getMessage());
        }
    }
}
