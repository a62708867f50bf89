package dev.berth.network.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A tiny upstream resolver on 127.0.0.1 for the forwarding tests: UDP and TCP on the same
 * random port, answering A queries from a map (NXDOMAIN otherwise), or, by mode, never
 * answering, answering SERVFAIL, or truncating every UDP answer so the client must use TCP.
 */
final class FakeUpstream implements AutoCloseable {
    enum Mode { ANSWER, SILENT, SERVFAIL, TRUNCATE_UDP }

    private final Mode mode;
    private final Map<String, List<String>> names = new ConcurrentHashMap<>();
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final Thread udpThread;
    private final Thread tcpThread;
    final AtomicInteger udpQueries = new AtomicInteger();
    final AtomicInteger tcpQueries = new AtomicInteger();
    /** The id of the last query that reached this upstream. */
    volatile int lastQueryId = -1;

    FakeUpstream(Mode mode) throws IOException {
        this.mode = mode;
        InetAddress loopback = InetAddress.getLoopbackAddress();
        tcp = new ServerSocket(0, 16, loopback);
        udp = new DatagramSocket(new InetSocketAddress(loopback, tcp.getLocalPort()));
        udpThread = Thread.ofPlatform().daemon().name("fake-upstream-udp").start(this::serveUdp);
        tcpThread = Thread.ofPlatform().daemon().name("fake-upstream-tcp").start(this::serveTcp);
    }

    FakeUpstream answering(String name, String... addresses) {
        names.put(name, List.of(addresses));
        return this;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) udp.getLocalSocketAddress();
    }

    private void serveUdp() {
        byte[] buffer = new byte[65_535];
        while (!udp.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                udpQueries.incrementAndGet();
                if (mode == Mode.SILENT) {
                    continue;
                }
                byte[] answer = answer(java.util.Arrays.copyOf(packet.getData(), packet.getLength()), true);
                udp.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
            } catch (IOException e) {
                // closed, or a query we cannot parse: the test decides what that means
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try (Socket connection = tcp.accept()) {
                DataInputStream in = new DataInputStream(connection.getInputStream());
                byte[] query = new byte[in.readUnsignedShort()];
                in.readFully(query);
                tcpQueries.incrementAndGet();
                if (mode == Mode.SILENT) {
                    continue;
                }
                byte[] answer = answer(query, false);
                DataOutputStream out = new DataOutputStream(connection.getOutputStream());
                out.writeShort(answer.length);
                out.write(answer);
                out.flush();
            } catch (SocketException e) {
                return;
            } catch (IOException e) {
                // a broken connection: wait for the next one
            }
        }
    }

    private byte[] answer(byte[] wire, boolean overUdp) throws IOException {
        Message query = new Message(wire);
        lastQueryId = query.getHeader().getID();
        Message reply = new Message(query.getHeader().getID());
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setFlag(Flags.RA);
        Record question = query.getQuestion();
        reply.addRecord(question, Section.QUESTION);
        List<String> addresses = names.get(Answers.normalize(question.getName()));
        if (mode == Mode.SERVFAIL) {
            reply.getHeader().setRcode(Rcode.SERVFAIL);
        } else if (mode == Mode.TRUNCATE_UDP && overUdp) {
            reply.getHeader().setFlag(Flags.TC);
        } else if (addresses != null && question.getType() == Type.A) {
            for (String address : addresses) {
                reply.addRecord(new ARecord(question.getName(), DClass.IN, 30, InetAddress.ofLiteral(address)),
                        Section.ANSWER);
            }
        } else {
            reply.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        return reply.toWire();
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
        try {
            udpThread.join();
            tcpThread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
