package dev.berth.network.nat;

import dev.berth.linux.testing.NftablesTestNetns;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Tiny servers for traffic tests that answer each client with the address it came from, so
 * that a test sees what NAT did. A socket belongs to the namespace of the thread that made it:
 * each is made on its namespace's thread, and served from a thread of its own.
 */
final class TrafficServers {
    /** How long a client waits for a connection: a dropped SYN would otherwise wait minutes. */
    static final int CONNECT_TIMEOUT_MILLIS = 1000;

    private TrafficServers() {}

    static AutoCloseable tcp(NftablesTestNetns ns, int port) throws IOException {
        // the previous test's server on this port closed its connections first, so they wait in
        // TIME_WAIT on the port: a new listener binds over them only with SO_REUSEADDR
        ServerSocket server = ns.call(() -> {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(port));
            return s;
        });
        Thread.ofPlatform().daemon().name("tcp-" + port).start(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    s.getOutputStream().write((peer(s.getRemoteSocketAddress()) + "\n").getBytes(StandardCharsets.US_ASCII));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return server;
    }

    static AutoCloseable udp(NftablesTestNetns ns, int port) throws IOException {
        DatagramSocket socket = ns.call(() -> new DatagramSocket(port));
        Thread.ofPlatform().daemon().name("udp-" + port).start(() -> {
            byte[] buf = new byte[64];
            while (!socket.isClosed()) {
                try {
                    DatagramPacket p = new DatagramPacket(buf, buf.length);
                    socket.receive(p);
                    byte[] reply = peer(p.getSocketAddress()).getBytes(StandardCharsets.US_ASCII);
                    socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        return socket;
    }

    /** Connects (on the calling thread, so in its namespace) and returns the server's one line. */
    static String ask(InetSocketAddress server) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(server, CONNECT_TIMEOUT_MILLIS);
            s.setSoTimeout(5000);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
        }
    }

    private static String peer(SocketAddress address) {
        return ((InetSocketAddress) address).getAddress().getHostAddress();
    }
}
