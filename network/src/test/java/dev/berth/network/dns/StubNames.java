package dev.berth.network.dns;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A container's view for the tests: three containers, one with a short id, one alias on two of them. */
final class StubNames implements NameLookup {
    private static final Map<String, List<String>> NAMES = Map.of(
            "web", List.of("10.88.0.2"),
            "0123456789ab", List.of("10.88.0.2"),
            "db", List.of("10.88.0.3"),
            "database", List.of("10.88.0.3"),
            "api", List.of("10.88.0.4", "10.88.0.5"));
    /** Every name the server asked about, as it asked. */
    final Set<String> asked = ConcurrentHashMap.newKeySet();

    @Override
    public List<Inet4Address> lookup(String name) {
        asked.add(name);
        return NAMES.getOrDefault(name, List.of()).stream()
                .map(address -> (Inet4Address) InetAddress.ofLiteral(address))
                .toList();
    }

    @Override
    public Optional<String> reverse(Inet4Address address) {
        return switch (address.getHostAddress()) {
            case "10.88.0.2" -> Optional.of("web");
            case "10.88.0.3" -> Optional.of("db");
            default -> Optional.empty();
        };
    }
}
