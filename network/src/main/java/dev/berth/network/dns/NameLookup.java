package dev.berth.network.dns;

import java.net.Inet4Address;
import java.util.List;
import java.util.Optional;

/**
 * What one container can see by name: the names, aliases and short ids of the containers that
 * share a user network with it. The daemon supplies one per container when it registers the
 * container's sockets with {@link EmbeddedDns}; the server asks it on its single event-loop
 * thread for every query, so both methods must answer from memory and never block. A name is
 * passed lower-case and without a trailing dot; an empty list (or empty optional) means "not
 * ours", and the query goes to the upstream resolvers.
 */
public interface NameLookup {
    /** The IPv4 addresses {@code name} stands for, empty when the name is unknown. */
    List<Inet4Address> lookup(String name);

    /** The name a reverse (PTR) query for {@code address} answers with, if the address is known. */
    Optional<String> reverse(Inet4Address address);
}
