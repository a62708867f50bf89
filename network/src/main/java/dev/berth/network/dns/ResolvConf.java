package dev.berth.network.dns;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A resolv.conf file as its directives, and the file a container gets, made the way dockerd's
 * libnetwork makes it. The host's file is the starting point; the container's {@code --dns},
 * {@code --dns-search} and {@code --dns-option} each replace the host's nameservers, search list
 * and options when given. Then:
 *
 * <ul>
 *   <li>on a user network (embedded DNS) the only nameserver is 127.0.0.11, the others become
 *       the embedded server's upstreams for this container, and {@code ndots:0} is added unless
 *       the options set a valid ndots, so single-label container names are tried first;
 *   <li>on the default bridge, loopback and IPv6 nameservers inherited from the host are
 *       dropped (they cannot be reached from the container's namespace), and when none remain
 *       Google's 8.8.8.8 and 8.8.4.4 take their place. Nameservers from {@code --dns} are kept
 *       as given.
 * </ul>
 *
 * Directives the parser does not know ({@code sortlist}, {@code lookup}) are copied as written;
 * a nameserver that is not an IP address is dropped.
 */
public record ResolvConf(List<InetAddress> nameservers, List<String> search, List<String> options,
        List<String> other) {
    /** Where containers on a user network send their queries. */
    public static final String EMBEDDED_NAMESERVER = "127.0.0.11";
    private static final Pattern DOTTED_QUAD = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final List<InetAddress> GOOGLE = List.of(
            InetAddress.ofLiteral("8.8.8.8"), InetAddress.ofLiteral("8.8.4.4"));

    /** A container's {@code --dns}, {@code --dns-search} and {@code --dns-option}; empty means "the host's". */
    public record Overrides(List<String> servers, List<String> search, List<String> options) {
        public static final Overrides NONE = new Overrides(List.of(), List.of(), List.of());

        public Overrides {
            servers = List.copyOf(servers);
            search = List.copyOf(search);
            options = List.copyOf(options);
        }
    }

    /**
     * A container's resolv.conf and, on a user network, the upstreams its embedded DNS
     * registration should forward to (port 53); empty on the default bridge.
     */
    public record Generated(String text, List<InetSocketAddress> upstreams) {}

    public ResolvConf {
        nameservers = List.copyOf(nameservers);
        search = List.copyOf(search);
        options = List.copyOf(options);
        other = List.copyOf(other);
    }

    public static ResolvConf parse(String text) {
        List<InetAddress> nameservers = new ArrayList<>();
        List<String> search = List.of();
        List<String> options = new ArrayList<>();
        List<String> other = new ArrayList<>();
        for (String line : text.split("\n")) {
            String[] fields = line.strip().split("\\s+");
            if (fields[0].isEmpty() || fields[0].startsWith("#") || fields[0].startsWith(";")) {
                continue;
            }
            List<String> values = List.of(fields).subList(1, fields.length);
            switch (fields[0]) {
                case "nameserver" -> {
                    if (!values.isEmpty()) {
                        literal(values.getFirst()).ifPresent(nameservers::add);
                    }
                }
                // "domain" is the obsolete spelling of "search"; the last of them wins (resolv.conf(5))
                case "search", "domain" -> search = values.isEmpty() ? search : values;
                case "options" -> options.addAll(values);
                default -> other.add(line.strip());
            }
        }
        return new ResolvConf(nameservers, search, options, other);
    }

    /** The nameservers reachable from outside the host's loopback: every one but 127.0.0.0/8 and ::1. */
    public List<InetAddress> reachableNameservers() {
        return nameservers.stream().filter(address -> !address.isLoopbackAddress()).toList();
    }

    /** The resolv.conf of a container, from the host's and the container's own settings. */
    public static Generated forContainer(String hostText, Overrides overrides, boolean embeddedDns) {
        ResolvConf host = parse(hostText);
        List<InetAddress> servers = overrides.servers().stream().map(ResolvConf::requireAddress).toList();
        List<String> search = overrides.search().isEmpty() ? host.search()
                : overrides.search().stream().filter(domain -> !domain.equals(".")).toList();
        List<String> options = overrides.options().isEmpty() ? host.options() : overrides.options();
        return embeddedDns
                ? forUserNetwork(host, servers, search, options)
                : forDefaultBridge(host, servers, search, options);
    }

    private static Generated forUserNetwork(ResolvConf host, List<InetAddress> servers, List<String> search,
            List<String> options) {
        List<InetAddress> upstreams = servers.isEmpty() ? host.reachableNameservers() : servers;
        List<String> withNdots = new ArrayList<>(options.stream().filter(ResolvConf::validNdots).toList());
        if (withNdots.stream().noneMatch(option -> option.startsWith("ndots:"))) {
            withNdots.add("ndots:0");
        }
        ResolvConf file = new ResolvConf(List.of(InetAddress.ofLiteral(EMBEDDED_NAMESERVER)), search, withNdots,
                host.other());
        String comment = "\n# ExtServers: " + upstreams.stream().map(ResolvConf::addressText).toList()
                .toString().replace(",", "") + "\n";
        return new Generated(file.render() + comment,
                upstreams.stream().map(address -> new InetSocketAddress(address, 53)).toList());
    }

    private static Generated forDefaultBridge(ResolvConf host, List<InetAddress> servers, List<String> search,
            List<String> options) {
        List<InetAddress> nameservers = servers.isEmpty()
                ? host.reachableNameservers().stream().filter(address -> !(address instanceof Inet6Address)).toList()
                : servers;
        String comment = "";
        if (nameservers.isEmpty()) {
            nameservers = GOOGLE;
            comment = "\n# Used default nameservers.\n";
        }
        ResolvConf file = new ResolvConf(nameservers, search, options, host.other());
        return new Generated(file.render() + comment, List.of());
    }

    /** The file's text: nameservers, search, options, then the directives copied as written. */
    public String render() {
        StringBuilder text = new StringBuilder();
        for (InetAddress nameserver : nameservers) {
            text.append("nameserver ").append(addressText(nameserver)).append('\n');
        }
        if (!search.isEmpty()) {
            text.append("search ").append(String.join(" ", search)).append('\n');
        }
        if (!options.isEmpty()) {
            text.append("options ").append(String.join(" ", options)).append('\n');
        }
        for (String line : other) {
            text.append(line).append('\n');
        }
        return text.toString();
    }

    /** An ndots option must carry a number of at least zero, or the resolver ignores it (moby does the same check). */
    private static boolean validNdots(String option) {
        if (!option.startsWith("ndots:")) {
            return true;
        }
        try {
            return Integer.parseInt(option.substring("ndots:".length())) >= 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * An address as resolv.conf may write it: dotted quad without leading zeros (inet_pton(3),
     * not inet_aton's "10.1" forms, which InetAddress would take), or IPv6 with an optional zone.
     */
    private static Optional<InetAddress> literal(String text) {
        try {
            if (text.indexOf(':') >= 0) {
                return Optional.of(Inet6Address.ofLiteral(text));
            }
            return DOTTED_QUAD.matcher(text).matches() ? Optional.of(Inet4Address.ofLiteral(text)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The address as people write it: IPv6 with its longest run of zero groups as "::" (RFC 5952). */
    static String addressText(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        String full = address.getHostAddress();
        int percent = full.indexOf('%');
        String zone = percent >= 0 ? full.substring(percent) : "";
        String[] groups = (percent >= 0 ? full.substring(0, percent) : full).split(":");
        int bestStart = -1;
        int bestLength = 1; // a single zero group stays "0"
        for (int i = 0; i < groups.length; ) {
            int j = i;
            while (j < groups.length && groups[j].equals("0")) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        if (bestStart < 0) {
            return String.join(":", groups) + zone;
        }
        String head = String.join(":", List.of(groups).subList(0, bestStart));
        String tail = String.join(":", List.of(groups).subList(bestStart + bestLength, groups.length));
        return head + "::" + tail + zone;
    }

    private static InetAddress requireAddress(String server) {
        return literal(server).orElseThrow(
                () -> new IllegalArgumentException("dns server " + server + ": not an ip address"));
    }
}
