package dev.berth.oci.runtime;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The namespaces a spec asks for, by type, once their list has been checked: every type
 * known, none twice, every path absolute. The other rules (a hostname needs a uts namespace,
 * id mappings need a user namespace, ...) ask this object.
 */
record Namespaces(Map<NamespaceType, Linux.Namespace> byType) {

    /** Checks {@code linux.namespaces} and indexes it; a spec without {@code linux} has none. */
    static Namespaces read(Linux linux) throws InvalidSpecException {
        Map<NamespaceType, Linux.Namespace> byType = new EnumMap<>(NamespaceType.class);
        List<Linux.Namespace> list = linux == null || linux.namespaces() == null
                ? List.of() : linux.namespaces();
        for (int i = 0; i < list.size(); i++) {
            String field = "linux.namespaces[" + i + "]";
            Linux.Namespace ns = list.get(i);
            if (ns == null || ns.type() == null || ns.type().isEmpty()) {
                throw new InvalidSpecException(field + ".type", "must be set");
            }
            NamespaceType type = NamespaceType.bySpecName(ns.type()).orElseThrow(
                    () -> new InvalidSpecException(field + ".type",
                            "unknown namespace type " + SpecValidator.quote(ns.type())));
            if (byType.putIfAbsent(type, ns) != null) {
                throw new InvalidSpecException(field + ".type",
                        "duplicate namespace " + SpecValidator.quote(ns.type()));
            }
            // The path is opened in the runtime's mount namespace; a relative one would depend
            // on the runtime's working directory.
            if (ns.path() != null && !ns.path().isEmpty() && !ns.path().startsWith("/")) {
                throw new InvalidSpecException(field + ".path", "must be absolute");
            }
        }
        return new Namespaces(byType);
    }

    /** The container has its own namespace of this type (new or joined). */
    boolean has(NamespaceType type) {
        return byType.containsKey(type);
    }

    /** A new namespace of this type is created (no {@code path}). */
    boolean creates(NamespaceType type) {
        return has(type) && joinedPath(type).isEmpty();
    }

    /** The path of an existing namespace the container joins, if it joins one. */
    Optional<String> joinedPath(NamespaceType type) {
        Linux.Namespace ns = byType.get(type);
        return ns == null || ns.path() == null || ns.path().isEmpty()
                ? Optional.empty() : Optional.of(ns.path());
    }
}
