package dev.berth.network.nat;

import java.util.regex.Pattern;

/**
 * The nft scripts for one bridge network's table, {@code ip berth-<bridge>}: pure text, so
 * that what Berth asks of the kernel is unit-tested to the character. {@link NetworkFirewall}
 * runs them. For a network {@code berth0} on {@code 172.18.0.0/16} the table is:
 *
 * <pre>
 * table ip berth-berth0
 * ├── map ports        tcp . 8080 : 172.18.0.2 . 80             published on every host address
 * ├── map addr_ports   10.0.0.5 . udp . 53 : 172.18.0.3 . 5353   published on one host address
 * ├── chain prerouting  (nat, dstnat)   from elsewhere to a host address: DNAT through the maps
 * ├── chain postrouting (nat, srcnat)   from the subnet out of another interface: masquerade
 * └── chain forward     (filter)        out of the bridge: accept; into it from elsewhere: only
 *                                       replies and DNAT'ed connections, drop the rest
 * </pre>
 *
 * An internal network's table has the maps (publishing there is accepted and has no effect,
 * as in Docker) and a forward chain that drops whatever would leave or enter the bridge.
 *
 * <p>Each network has a table of its own so that it is created and removed whole, atomically,
 * and cannot disturb the host's rules or another network's. Isolation works across tables
 * because a {@code drop} in any base chain is final, while an {@code accept} only ends its own
 * chain: network A's table accepts A's traffic out, network B's drops it on the way into B.
 *
 * <p>Published ports live in the two maps rather than one rule each: publishing adds one map
 * element and unpublishing deletes that one element, each an atomic command that cannot touch
 * another mapping, with no rule handles to find again after a daemon restart; and listing the
 * maps lists the published ports. Interfaces are matched by name ({@code iifname}), never by
 * index, so rules may name a bridge before it exists and survive its re-creation.
 */
record NetworkTable(String bridge) {
    static final String PREFIX = "berth-";
    static final String PORTS = "ports";
    static final String ADDR_PORTS = "addr_ports";
    // Linux interface names are at most 15 bytes; Berth's are plain so that they need no escaping
    private static final Pattern BRIDGE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,14}");

    NetworkTable {
        if (bridge == null || !BRIDGE.matcher(bridge).matches()) {
            throw new IllegalArgumentException("invalid bridge name: " + bridge);
        }
    }

    /** The table's name: {@code berth-<bridge>}. */
    String name() {
        return PREFIX + bridge;
    }

    /**
     * Creates the table, replacing any table of that name in the same transaction: declaring
     * it first makes the delete succeed when there was none. Published ports go with the old
     * table.
     */
    String create(String subnetCidr, boolean internal) {
        String subnet = canonicalSubnet(subnetCidr);
        String br = quoted();
        StringBuilder s = new StringBuilder();
        s.append("table ip ").append(name()).append('\n');
        s.append("delete table ip ").append(name()).append('\n');
        s.append("table ip ").append(name()).append(" {\n");
        s.append("\tmap ").append(PORTS).append(" {\n");
        s.append("\t\ttype inet_proto . inet_service : ipv4_addr . inet_service\n");
        s.append("\t}\n");
        s.append("\tmap ").append(ADDR_PORTS).append(" {\n");
        s.append("\t\ttype ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service\n");
        s.append("\t}\n");
        if (internal) {
            s.append("\tchain forward {\n");
            s.append("\t\ttype filter hook forward priority filter; policy accept;\n");
            s.append("\t\tiifname ").append(br).append(" oifname != ").append(br).append(" drop\n");
            s.append("\t\tiifname != ").append(br).append(" oifname ").append(br).append(" drop\n");
            s.append("\t}\n");
        } else {
            s.append("\tchain prerouting {\n");
            s.append("\t\ttype nat hook prerouting priority dstnat; policy accept;\n");
            // same-bridge and loopback clients reach published ports through the userland proxy
            s.append("\t\tiifname != ").append(br)
                    .append(" dnat ip to ip daddr . meta l4proto . th dport map @").append(ADDR_PORTS).append('\n');
            s.append("\t\tiifname != ").append(br)
                    .append(" fib daddr type local dnat ip to meta l4proto . th dport map @").append(PORTS).append('\n');
            s.append("\t}\n");
            s.append("\tchain postrouting {\n");
            s.append("\t\ttype nat hook postrouting priority srcnat; policy accept;\n");
            s.append("\t\tip saddr ").append(subnet).append(" oifname != ").append(br).append(" masquerade\n");
            s.append("\t}\n");
            s.append("\tchain forward {\n");
            s.append("\t\ttype filter hook forward priority filter; policy accept;\n");
            s.append("\t\tiifname ").append(br).append(" oifname != ").append(br).append(" accept\n");
            String in = "\t\tiifname != " + br + " oifname " + br;
            s.append(in).append(" ct state established,related accept\n");
            s.append(in).append(" ct status dnat accept\n");
            s.append(in).append(" drop\n");
            s.append("\t}\n");
        }
        s.append("}\n");
        return s.toString();
    }

    /** Deletes the table; declaring it first makes that succeed when there is none. */
    String delete() {
        return "table ip " + name() + "\ndelete table ip " + name() + "\n";
    }

    /** Adds {@code m}; a no-op when it is there, a failure (EEXIST) when its host port maps elsewhere. */
    String publish(PortMapping m) {
        return "add element ip " + name() + " " + map(m) + " { " + key(m) + " : " + value(m) + " }\n";
    }

    /**
     * Removes {@code m}. Adding it first makes the delete succeed when it was not published,
     * and makes the script fail (EEXIST), removing nothing, when its host port maps to another
     * container: an unpublish can only remove the mapping it names.
     */
    String unpublish(PortMapping m) {
        return publish(m) + "delete element ip " + name() + " " + map(m) + " { " + key(m) + " }\n";
    }

    /** Lists the table, maps and elements included; run it with JSON output. */
    String list() {
        return "list table ip " + name() + "\n";
    }

    private String quoted() {
        return '"' + bridge + '"';
    }

    private static String map(PortMapping m) {
        return m.hostIp() == null ? PORTS : ADDR_PORTS;
    }

    private static String key(PortMapping m) {
        String port = m.protocol().keyword() + " . " + m.hostPort();
        return m.hostIp() == null ? port : m.hostIp().getHostAddress() + " . " + port;
    }

    private static String value(PortMapping m) {
        return m.containerIp().getHostAddress() + " . " + m.containerPort();
    }

    /** {@code 172.18.0.1/16} as {@code 172.18.0.0/16}; fails on anything but an IPv4 CIDR. */
    static String canonicalSubnet(String cidr) {
        String[] parts = cidr == null ? new String[0] : cidr.split("/", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("invalid IPv4 subnet: " + cidr);
        }
        String[] octets = parts[0].split("\\.", -1);
        int prefix = parse(parts[1], 32, cidr);
        if (octets.length != 4) {
            throw new IllegalArgumentException("invalid IPv4 subnet: " + cidr);
        }
        long address = 0;
        for (String octet : octets) {
            address = address << 8 | parse(octet, 255, cidr);
        }
        long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        long network = address & mask;
        return (network >> 24) + "." + (network >> 16 & 255) + "." + (network >> 8 & 255) + "." + (network & 255)
                + "/" + prefix;
    }

    private static int parse(String digits, int max, String cidr) {
        if (digits.isEmpty() || digits.length() > 3 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new IllegalArgumentException("invalid IPv4 subnet: " + cidr);
        }
        int n = Integer.parseInt(digits);
        if (n > max) {
            throw new IllegalArgumentException("invalid IPv4 subnet: " + cidr);
        }
        return n;
    }
}
