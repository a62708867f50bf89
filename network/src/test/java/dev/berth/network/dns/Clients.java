package dev.berth.network.dns;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/** The client side of the tests: dnsjava's SimpleResolver, and a raw UDP exchange where ids matter. */
final class Clients {
    private Clients() {}

    static Message ask(InetSocketAddress server, boolean tcp, String name, int type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTCP(tcp);
        resolver.setIgnoreTruncation(true);
        resolver.setTimeout(Duration.ofSeconds(5));
        return resolver.send(query(name, type));
    }

    static Message query(String name, int type) throws IOException {
        Name absolute = name.endsWith(".") ? Name.fromString(name) : Name.fromString(name, Name.root);
        return Message.newQuery(Record.newRecord(absolute, type, DClass.IN));
    }

    /** Sends {@code query} as it is (id included) from a socket of its own and returns the reply's bytes. */
    static byte[] exchange(InetSocketAddress server, byte[] query) throws IOException {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            socket.setSoTimeout(5_000);
            socket.send(new DatagramPacket(query, query.length, server));
            byte[] buffer = new byte[65_535];
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            socket.receive(reply);
            return java.util.Arrays.copyOf(buffer, reply.getLength());
        }
    }

    static Set<String> addresses(Message reply) {
        return reply.getSection(Section.ANSWER).stream()
                .filter(ARecord.class::isInstance)
                .map(r -> ((ARecord) r).getAddress().getHostAddress())
                .collect(Collectors.toSet());
    }

    static List<Record> answers(Message reply) {
        return reply.getSection(Section.ANSWER);
    }
}
