package dev.berth.network.dns;

import static dev.berth.network.dns.Clients.addresses;
import static dev.berth.network.dns.Clients.ask;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NioClient;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Names the containers do not know go to the upstreams: fake ones on 127.0.0.1. */
class ForwardingTest {
    /** Short, so that the dead-upstream cases take a fraction of a second; clients wait 5 s. */
    private static final Duration UPSTREAM_TIMEOUT = Duration.ofMillis(300);

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable resource : resources.reversed()) {
            resource.close();
        }
    }

    @AfterAll
    static void stopDnsjavaClientThread() {
        NioClient.close();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void forwardsUnknownNamesAndAnswersUnderTheClientsId(boolean tcp) throws Exception {
        FakeUpstream upstream = upstream(FakeUpstream.Mode.ANSWER).answering("example.test", "192.0.2.7");
        InetSocketAddress server = serve(List.of(upstream.address()));

        Message query = Clients.query("Example.Test.", Type.A);
        query.getHeader().setID(0x1234);
        Message reply = tcp ? ask(server, true, "example.test.", Type.A)
                : new Message(Clients.exchange(server, query.toWire()));

        assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(addresses(reply)).containsExactly("192.0.2.7");
        if (!tcp) {
            assertThat(reply.getHeader().getID()).isEqualTo(0x1234);
        }
        assertThat(upstream.lastQueryId).isNotEqualTo(-1);
        assertThat(ask(server, tcp, "nowhere.test.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    }

    @Test
    void aDeadUpstreamIsSkippedForTheNext() throws Exception {
        FakeUpstream dead = upstream(FakeUpstream.Mode.SILENT);
        FakeUpstream good = upstream(FakeUpstream.Mode.ANSWER).answering("example.test", "192.0.2.8");
        InetSocketAddress server = serve(List.of(dead.address(), good.address()));

        Message reply = ask(server, false, "example.test.", Type.A);

        assertThat(addresses(reply)).containsExactly("192.0.2.8");
        assertThat(dead.udpQueries.get()).isEqualTo(1);
    }

    @Test
    void aClosedPortAndAServfailAreSkippedForTheNext() throws Exception {
        InetSocketAddress closedPort;
        try (DatagramSocket gone = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            closedPort = (InetSocketAddress) gone.getLocalSocketAddress();
        }
        FakeUpstream failing = upstream(FakeUpstream.Mode.SERVFAIL);
        FakeUpstream good = upstream(FakeUpstream.Mode.ANSWER).answering("example.test", "192.0.2.9");
        InetSocketAddress server = serve(List.of(closedPort, failing.address(), good.address()));

        assertThat(addresses(ask(server, false, "example.test.", Type.A))).containsExactly("192.0.2.9");
        assertThat(failing.udpQueries.get()).isEqualTo(1);
    }

    @Test
    void allUpstreamsDeadIsServfail() throws Exception {
        FakeUpstream first = upstream(FakeUpstream.Mode.SILENT);
        FakeUpstream second = upstream(FakeUpstream.Mode.SILENT);
        InetSocketAddress server = serve(List.of(first.address(), second.address()));

        Message reply = ask(server, false, "example.test.", Type.A);

        assertThat(reply.getRcode()).isEqualTo(Rcode.SERVFAIL);
        assertThat(first.udpQueries.get()).isEqualTo(1);
        assertThat(second.udpQueries.get()).isEqualTo(1);
    }

    @Test
    void allUpstreamsFailingPassesTheLastServfailOn() throws Exception {
        FakeUpstream failing = upstream(FakeUpstream.Mode.SERVFAIL);
        InetSocketAddress server = serve(List.of(failing.address()));

        assertThat(ask(server, true, "example.test.", Type.A).getRcode()).isEqualTo(Rcode.SERVFAIL);
    }

    @Test
    void aTruncatedUdpAnswerIsFetchedAgainOverTcp() throws Exception {
        FakeUpstream upstream = upstream(FakeUpstream.Mode.TRUNCATE_UDP).answering("example.test", "192.0.2.10");
        InetSocketAddress server = serve(List.of(upstream.address()));

        Message reply = ask(server, false, "example.test.", Type.A);

        assertThat(reply.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(addresses(reply)).containsExactly("192.0.2.10");
        assertThat(upstream.udpQueries.get()).isEqualTo(1);
        assertThat(upstream.tcpQueries.get()).isEqualTo(1);
    }

    @Test
    void anAnswerTooBigForTheClientsUdpIsTruncatedAndWholeOverTcp() throws Exception {
        String[] many = new String[60]; // 60 A records: about 1 KB, over the 512 bytes of classic UDP
        for (int i = 0; i < many.length; i++) {
            many[i] = "192.0.2." + (i + 1);
        }
        FakeUpstream upstream = upstream(FakeUpstream.Mode.TRUNCATE_UDP).answering("big.test", many);
        InetSocketAddress server = serve(List.of(upstream.address()));

        // a query without EDNS, as glibc sends it: the client takes 512 bytes over UDP (dnsjava's own
        // resolver would announce 1280)
        Message overUdp = new Message(Clients.exchange(server, Clients.query("big.test.", Type.A).toWire()));
        Message overTcp = ask(server, true, "big.test.", Type.A);

        assertThat(overUdp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(overUdp.toWire().length).isLessThanOrEqualTo(512);
        assertThat(overTcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(addresses(overTcp)).hasSize(60);
    }

    @Test
    void aRegistrationsOwnUpstreamsReplaceTheServers() throws Exception {
        FakeUpstream hosts = upstream(FakeUpstream.Mode.ANSWER).answering("example.test", "192.0.2.11");
        FakeUpstream containers = upstream(FakeUpstream.Mode.ANSWER).answering("example.test", "192.0.2.12");
        EmbeddedDns dns = track(new EmbeddedDns(List.of(hosts.address()), UPSTREAM_TIMEOUT));
        ServedChannels channels = track(ServedChannels.open());
        dns.serve(channels.udp(), channels.tcp(), new StubNames(), List.of(containers.address()));

        assertThat(addresses(ask(channels.address(), false, "example.test.", Type.A))).containsExactly("192.0.2.12");
        assertThat(hosts.udpQueries.get()).isZero();
    }

    @Test
    void knownNamesAreNeverForwarded() throws Exception {
        FakeUpstream upstream = upstream(FakeUpstream.Mode.ANSWER).answering("web", "192.0.2.13");
        InetSocketAddress server = serve(List.of(upstream.address()));

        assertThat(addresses(ask(server, false, "web.", Type.A))).containsExactly("10.88.0.2");
        assertThat(ask(server, false, "web.", Type.AAAA).getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(upstream.udpQueries.get()).isZero();
    }

    @Test
    void aContainerHasAtMost128QueriesOutAndClosingItDropsThem() throws Exception {
        FakeUpstream silent = upstream(FakeUpstream.Mode.SILENT);
        EmbeddedDns dns = track(new EmbeddedDns(List.of(silent.address()), Duration.ofMinutes(1)));
        ServedChannels channels = track(ServedChannels.open());
        EmbeddedDns.Registration registration = dns.serve(channels.udp(), channels.tcp(), new StubNames());
        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            long descriptorsBefore = openDescriptors();
            for (int id = 1; id <= ContainerResolver.MAX_FORWARDS + 1; id++) {
                Message query = Clients.query("q" + id + ".example.test.", Type.A);
                query.getHeader().setID(id);
                byte[] wire = query.toWire();
                client.send(new DatagramPacket(wire, wire.length, channels.address()));
            }
            client.setSoTimeout(5_000);
            byte[] buffer = new byte[512];
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            client.receive(packet); // the only answer before the minute is out: the one over the cap
            Message refused = new Message(java.util.Arrays.copyOf(buffer, packet.getLength()));
            long descriptorsForwarding = openDescriptors();

            registration.close();

            assertThat(refused.getHeader().getID()).isEqualTo(ContainerResolver.MAX_FORWARDS + 1);
            assertThat(refused.getRcode()).isEqualTo(Rcode.SERVFAIL);
            assertThat(descriptorsForwarding - descriptorsBefore).isGreaterThanOrEqualTo(ContainerResolver.MAX_FORWARDS);
            // every forwarding socket went with the registration, and its two channels too
            assertThat(openDescriptors()).isLessThanOrEqualTo(descriptorsBefore - 2);
        }
    }

    private static long openDescriptors() throws IOException {
        try (var fds = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private FakeUpstream upstream(FakeUpstream.Mode mode) throws IOException {
        return track(new FakeUpstream(mode));
    }

    private InetSocketAddress serve(List<InetSocketAddress> upstreams) throws IOException {
        EmbeddedDns dns = track(new EmbeddedDns(upstreams, UPSTREAM_TIMEOUT));
        ServedChannels channels = track(ServedChannels.open());
        dns.serve(channels.udp(), channels.tcp(), new StubNames());
        return channels.address();
    }

    private <T extends AutoCloseable> T track(T resource) {
        resources.add(resource);
        return resource;
    }
}
