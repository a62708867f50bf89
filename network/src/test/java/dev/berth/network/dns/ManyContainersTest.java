package dev.berth.network.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;

/** Hundreds of containers share the server's one thread. */
class ManyContainersTest {
    private static final int CONTAINERS = 200;

    private final List<ServedChannels> channels = new ArrayList<>();
    private EmbeddedDns dns;

    @AfterEach
    void tearDown() throws IOException {
        if (dns != null) {
            dns.close();
        }
        for (ServedChannels served : channels) {
            served.close();
        }
    }

    @Test
    void twoHundredRegistrationsAreServedByOneThread() throws IOException {
        int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
        dns = new EmbeddedDns(List.of());
        List<EmbeddedDns.Registration> registrations = new ArrayList<>();
        for (int i = 0; i < CONTAINERS; i++) {
            ServedChannels served = ServedChannels.open();
            channels.add(served);
            registrations.add(dns.serve(served.udp(), served.tcp(), new StubNames()));
        }

        long start = System.nanoTime();
        for (ServedChannels served : channels) {
            Message reply = new Message(Clients.exchange(served.address(), Clients.query("web.", Type.A).toWire()));
            assertThat(Clients.addresses(reply)).containsExactly("10.88.0.2");
        }
        long udpNanos = System.nanoTime() - start;
        for (ServedChannels served : channels.subList(0, 20)) {
            assertThat(Clients.addresses(overTcp(served, "db."))).containsExactly("10.88.0.3");
        }
        int threadsServing = ManagementFactory.getThreadMXBean().getThreadCount();

        assertThat(threadsServing - threadsBefore).isLessThanOrEqualTo(1);
        System.out.printf("%d registrations: %d threads more; %d sequential UDP queries in %d ms%n",
                CONTAINERS, threadsServing - threadsBefore, CONTAINERS, udpNanos / 1_000_000);

        for (EmbeddedDns.Registration registration : registrations) {
            registration.close();
        }
        assertThat(channels).allMatch(served -> !served.udp().isOpen() && !served.tcp().isOpen());
        dns.close();
        dns = null;
        assertThat(ManagementFactory.getThreadMXBean().getThreadCount()).isLessThanOrEqualTo(threadsBefore);
    }

    private static Message overTcp(ServedChannels served, String name) throws IOException {
        try (Socket socket = new Socket(served.address().getAddress(), served.address().getPort())) {
            socket.setSoTimeout(5_000);
            byte[] query = Clients.query(name, Type.A).toWire();
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeShort(query.length);
            out.write(query);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] reply = new byte[in.readUnsignedShort()];
            in.readFully(reply);
            return new Message(reply);
        }
    }
}
