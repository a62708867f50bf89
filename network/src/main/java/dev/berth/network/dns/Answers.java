package dev.berth.network.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The answers the embedded server gives itself, from a container's {@link NameLookup}: A records
 * for known names, an empty NOERROR for any other type of a known name (so that a resolver
 * asking A and AAAA in parallel does not wait for the AAAA to be forwarded, and container names
 * never leak upstream), PTR records for known addresses, and the error replies. Empty means
 * "not ours": the query is forwarded.
 */
final class Answers {
    /** Docker's TTL for container names. */
    static final long TTL = 600;
    /** RFC 1035 4.2.1: a UDP reply without EDNS may be at most 512 bytes. */
    static final int CLASSIC_UDP_LIMIT = 512;
    private static final int MAX_UDP_PAYLOAD = 65_507;

    private Answers() {}

    static Optional<Message> local(Message query, NameLookup names) {
        Record question = query.getQuestion();
        if (question.getDClass() != DClass.IN) {
            return Optional.empty();
        }
        String name = normalize(question.getName());
        int type = question.getType();
        if (type == Type.PTR) {
            return reverseAddress(name).flatMap(names::reverse).map(target -> pointer(query, target));
        }
        List<Inet4Address> addresses = names.lookup(name);
        if (addresses.isEmpty()) {
            return Optional.empty();
        }
        // Berth networks have no IPv6 yet: a known name's AAAA (and every other type) is an empty NOERROR.
        Message reply = reply(query, Rcode.NOERROR);
        if (type == Type.A || type == Type.ANY) {
            List<Inet4Address> shuffled = new ArrayList<>(addresses);
            Collections.shuffle(shuffled); // round robin among containers sharing an alias, as Docker does
            for (Inet4Address address : shuffled) {
                reply.addRecord(new ARecord(question.getName(), DClass.IN, TTL, address), Section.ANSWER);
            }
        }
        return Optional.of(reply);
    }

    /**
     * Parses and answers a query once, so that loading dnsjava's classes (about 150 ms, and
     * SLF4J's start-up note on stderr) happens when the server starts, not on a container's first
     * query.
     */
    static void warmUp() {
        try {
            Message query = Message.newQuery(Record.newRecord(Name.fromString("warm.up."), Type.A, DClass.IN));
            Message parsed = new Message(query.toWire());
            local(parsed, new NameLookup() {
                @Override
                public List<Inet4Address> lookup(String name) {
                    return List.of((Inet4Address) InetAddress.ofLiteral("127.0.0.1"));
                }

                @Override
                public Optional<String> reverse(Inet4Address address) {
                    return Optional.empty();
                }
            }).orElseThrow().toWire(CLASSIC_UDP_LIMIT);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("dns warm-up: " + e.getMessage(), e);
        }
    }

    /** A reply to {@code query} with its id, question and RD flag, no records, and {@code rcode}. */
    static Message reply(Message query, int rcode) {
        Message reply = new Message(query.getHeader().getID());
        reply.getHeader().setFlag(Flags.QR);
        reply.getHeader().setFlag(Flags.RA);
        if (query.getHeader().getFlag(Flags.RD)) {
            reply.getHeader().setFlag(Flags.RD);
        }
        reply.getHeader().setOpcode(query.getHeader().getOpcode());
        reply.getHeader().setRcode(rcode);
        Record question = query.getQuestion();
        if (question != null) {
            reply.addRecord(question, Section.QUESTION);
        }
        return reply;
    }

    /** The largest UDP reply the client said it accepts (EDNS, RFC 6891 6.2.3), at least 512. */
    static int udpLimit(Message query) {
        OPTRecord opt = query.getOPT();
        if (opt == null) {
            return CLASSIC_UDP_LIMIT;
        }
        return Math.min(MAX_UDP_PAYLOAD, Math.max(CLASSIC_UDP_LIMIT, opt.getPayloadSize()));
    }

    /**
     * {@code wire} cut down to {@code limit} bytes with TC set, so the client retries over TCP
     * (RFC 2181 9). A reply that cannot be parsed is replaced by an empty truncated one.
     */
    static byte[] truncate(byte[] wire, int limit, Message query) {
        try {
            byte[] cut = new Message(wire).toWire(limit);
            if (cut.length <= limit) {
                return cut;
            }
        } catch (java.io.IOException | RuntimeException e) {
            // fall through to the bare reply
        }
        Message bare = reply(query, Rcode.NOERROR);
        bare.getHeader().setFlag(Flags.TC);
        return bare.toWire();
    }

    /** The lower-case name without the final dot, the form {@link NameLookup} is asked with. */
    static String normalize(Name name) {
        return name.toString(true).toLowerCase(Locale.ROOT);
    }

    /** {@code d.c.b.a.in-addr.arpa} as the address a.b.c.d; anything else is not an IPv4 PTR name. */
    static Optional<Inet4Address> reverseAddress(String name) {
        String[] labels = name.split("\\.", -1);
        if (labels.length != 6 || !labels[4].equals("in-addr") || !labels[5].equals("arpa")) {
            return Optional.empty();
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String label = labels[3 - i];
            if (label.isEmpty() || label.length() > 3 || !label.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(label) > 255 || (label.length() > 1 && label.charAt(0) == '0')) {
                return Optional.empty();
            }
            bytes[i] = (byte) Integer.parseInt(label);
        }
        try {
            return Optional.of((Inet4Address) InetAddress.getByAddress(bytes));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an address
        }
    }

    private static Message pointer(Message query, String target) {
        Message reply = reply(query, Rcode.NOERROR);
        try {
            Name targetName = Name.fromString(target.endsWith(".") ? target : target + ".");
            reply.addRecord(new PTRRecord(query.getQuestion().getName(), DClass.IN, TTL, targetName), Section.ANSWER);
        } catch (TextParseException e) {
            return reply(query, Rcode.SERVFAIL);
        }
        return reply;
    }
}
