package dev.berth.network.dns;

import static dev.berth.network.dns.Clients.addresses;
import static dev.berth.network.dns.Clients.answers;
import static dev.berth.network.dns.Clients.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NioClient;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Type;

/** The embedded server's own answers, over UDP and TCP, on channels bound to 127.0.0.1. */
class EmbeddedDnsTest {
    private EmbeddedDns dns;
    private ServedChannels channels;
    private StubNames names;
    private InetSocketAddress server;

    @BeforeEach
    void setUp() throws IOException {
        dns = new EmbeddedDns(List.of()); // no upstream: whatever is not ours is SERVFAIL
        channels = ServedChannels.open();
        names = new StubNames();
        dns.serve(channels.udp(), channels.tcp(), names);
        server = channels.address();
    }

    @AfterEach
    void tearDown() throws IOException {
        dns.close();
        channels.close();
    }

    @AfterAll
    static void stopDnsjavaClientThread() {
        NioClient.close();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void answersAKnownNameWithItsAddressAndDockersTtl(boolean tcp) throws IOException {
        Message reply = ask(server, tcp, "web.", Type.A);

        assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(reply)).singleElement().satisfies(record -> {
            assertThat(record).isInstanceOf(ARecord.class);
            assertThat(record.getName().toString()).isEqualTo("web.");
            assertThat(record.getTTL()).isEqualTo(600);
            assertThat(((ARecord) record).getAddress().getHostAddress()).isEqualTo("10.88.0.2");
        });
        assertThat(reply.getHeader().getFlag(Flags.QR)).isTrue();
    }

    @Test
    void namesAreCaseInsensitiveAndAnsweredAsAsked() throws IOException {
        Message reply = ask(server, false, "WeB.", Type.A);
        Message shortId = ask(server, true, "0123456789AB", Type.A);

        assertThat(addresses(reply)).containsExactly("10.88.0.2");
        assertThat(answers(reply).getFirst().getName().toString()).isEqualTo("WeB.");
        assertThat(addresses(shortId)).containsExactly("10.88.0.2");
        assertThat(names.asked).contains("web", "0123456789ab").allMatch(name -> !name.endsWith("."));
    }

    @Test
    void answersWithEveryAddressOfAnAlias() throws IOException {
        assertThat(addresses(ask(server, false, "api", Type.A))).containsExactlyInAnyOrder("10.88.0.4", "10.88.0.5");
        assertThat(addresses(ask(server, false, "database.", Type.A))).containsExactly("10.88.0.3");
    }

    @ParameterizedTest
    @ValueSource(ints = {Type.AAAA, Type.MX, Type.TXT})
    void otherTypesOfAKnownNameAreEmptyNoError(int type) throws IOException {
        Message reply = ask(server, false, "web.", type);

        assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(reply)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void answersPtrForAKnownAddress(boolean tcp) throws IOException {
        String reverse = ReverseMap.fromAddress("10.88.0.3").toString();

        Message reply = ask(server, tcp, reverse, Type.PTR);

        assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(reply)).singleElement().satisfies(record -> {
            assertThat(record.getName().toString()).isEqualTo("3.0.88.10.in-addr.arpa.");
            assertThat(((PTRRecord) record).getTarget().toString()).isEqualTo("db.");
            assertThat(record.getTTL()).isEqualTo(600);
        });
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void unknownNamesAndAddressesWithoutUpstreamsAreServfail(boolean tcp) throws IOException {
        assertThat(ask(server, tcp, "example.com.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask(server, tcp, "web.example.com.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(ask(server, tcp, ReverseMap.fromAddress("10.88.0.9").toString(), Type.PTR).getRcode())
                .isEqualTo(Rcode.SERVFAIL);
    }

    @Test
    void dropsMalformedDatagramsAndKeepsAnswering() throws IOException {
        Message response = Clients.query("web.", Type.A);
        response.getHeader().setFlag(Flags.QR); // a response sent to the server: must not be answered
        List<byte[]> garbage = List.of(new byte[0], new byte[] {1, 2, 3}, "not a dns message at all".getBytes(),
                new byte[512], truncatedQuery(), response.toWire());
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            for (byte[] packet : garbage) {
                socket.send(new DatagramPacket(packet, packet.length, server));
            }
            socket.setSoTimeout(200);
            // nothing comes back to the garbage (a zeroed 512-byte packet parses as an empty query,
            // which is answered FORMERR); what does come back is never an answer with records
            Set<Integer> rcodes = new HashSet<>();
            byte[] buffer = new byte[65_535];
            try {
                while (true) {
                    DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
                    socket.receive(reply);
                    rcodes.add(buffer[3] & 0x0f);
                }
            } catch (java.net.SocketTimeoutException expected) {
                // the server had nothing more to say
            }
            assertThat(rcodes).isSubsetOf(Rcode.FORMERR);
        }

        assertThat(addresses(ask(server, false, "web.", Type.A))).containsExactly("10.88.0.2");
    }

    @Test
    void tcpAnswersPipelinedQueriesAndSurvivesGarbageConnections() throws IOException {
        try (Socket garbage = new Socket(server.getAddress(), server.getPort())) {
            garbage.getOutputStream().write(new byte[] {0, 5, 9, 9, 9, 9, 9}); // a frame that is no message
            garbage.getOutputStream().flush();
        }
        try (Socket socket = new Socket(server.getAddress(), server.getPort())) {
            socket.setSoTimeout(5_000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            Message first = Clients.query("web.", Type.A);
            Message second = Clients.query("db.", Type.A);
            for (Message query : List.of(first, second)) { // both before reading either answer
                byte[] wire = query.toWire();
                out.writeShort(wire.length);
                out.write(wire);
            }
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 2; i++) {
                byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                Message reply = new Message(wire);
                int id = reply.getHeader().getID();
                assertThat(id).isIn(first.getHeader().getID(), second.getHeader().getID());
                seen.addAll(addresses(reply));
            }
            assertThat(seen).containsExactlyInAnyOrder("10.88.0.2", "10.88.0.3");
        }
    }

    @Test
    void aFailingNameLookupIsServfailAndTheServerGoesOn() throws IOException {
        try (ServedChannels broken = ServedChannels.open()) {
            dns.serve(broken.udp(), broken.tcp(), new NameLookup() {
                @Override
                public List<Inet4Address> lookup(String name) {
                    throw new IllegalStateException("the daemon lost its map");
                }

                @Override
                public Optional<String> reverse(Inet4Address address) {
                    return Optional.empty();
                }
            });

            assertThat(ask(broken.address(), false, "web.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
        }
        assertThat(addresses(ask(server, false, "web.", Type.A))).containsExactly("10.88.0.2");
    }

    @Test
    void closingARegistrationClosesItsChannelsAndLeavesTheOthersServing() throws IOException {
        try (ServedChannels other = ServedChannels.open()) {
            EmbeddedDns.Registration registration = dns.serve(other.udp(), other.tcp(), new StubNames());
            InetSocketAddress otherAddress = other.address();
            assertThat(addresses(ask(otherAddress, false, "db.", Type.A))).containsExactly("10.88.0.3");

            registration.close();

            assertThat(other.udp().isOpen()).isFalse();
            assertThat(other.tcp().isOpen()).isFalse();
            // the port is free again: the descriptor is gone, not just deregistered
            try (DatagramChannel again = DatagramChannel.open()) {
                again.bind(otherAddress);
            }
            assertThat(addresses(ask(server, false, "web.", Type.A))).containsExactly("10.88.0.2");
            assertThat(addresses(ask(server, true, "web.", Type.A))).containsExactly("10.88.0.2");
            registration.close(); // twice is harmless
        }
    }

    @Test
    void closingTheServerClosesEveryChannelAndRefusesNewOnes() throws IOException {
        dns.close();

        assertThat(channels.udp().isOpen()).isFalse();
        assertThat(channels.tcp().isOpen()).isFalse();
        try (ServedChannels more = ServedChannels.open()) {
            assertThatThrownBy(() -> dns.serve(more.udp(), more.tcp(), names))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageEndingWith("server is closed");
            assertThat(more.udp().isOpen()).isTrue(); // refusing them leaves the caller's channels alone
        }
    }

    private static byte[] truncatedQuery() throws IOException {
        byte[] wire = Clients.query("web.", Type.A).toWire();
        return java.util.Arrays.copyOf(wire, wire.length - 3);
    }
}
