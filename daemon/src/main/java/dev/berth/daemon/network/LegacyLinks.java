package dev.berth.daemon.network;

import dev.berth.daemon.http.ApiException;
import java.util.Collection;

/**
 * {@code --link name[:alias]} on the default bridge: no DNS there, so the linked container's
 * address goes into {@code /etc/hosts} under its alias, short id and name, as dockerd writes it.
 */
final class LegacyLinks {
    private LegacyLinks() {}

    /** The hosts line for {@code link} ({@code name:alias}, or moby's {@code /name:/me/alias}); 404 if that container has no address. */
    static String hostsLine(String link, Collection<SandboxRecord> running) {
        int colon = link.indexOf(':');
        String name = strip(colon < 0 ? link : link.substring(0, colon));
        String alias = colon < 0 ? name : strip(link.substring(colon + 1));
        int slash = alias.lastIndexOf('/');
        alias = slash < 0 ? alias : alias.substring(slash + 1);
        for (SandboxRecord s : running) {
            if (s.name().equals(name) || s.containerId().startsWith(name)) {
                if (s.endpoints().isEmpty()) {
                    break;
                }
                String line = s.endpoints().getFirst().address() + "\t" + alias;
                String shortId = s.containerId().substring(0, 12);
                line += " " + shortId;
                return alias.equals(s.name()) ? line : line + " " + s.name();
            }
        }
        throw ApiException.invalid("could not get container for " + name + ": it is not running on a network");
    }

    private static String strip(String s) {
        return s.startsWith("/") ? s.substring(1) : s;
    }
}
