package dev.berth.daemon.container;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;

/**
 * New container ids and names. An id is 64 random hex digits, as Docker's; a container created
 * without {@code --name} gets a name of two words, an adjective and a harbour word
 * ({@code steady_bollard}), so that {@code docker ps} stays readable. (Docker's own word lists
 * are its own; these are Berth's.)
 */
public final class ContainerNames {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<String> ADJECTIVES = List.of(
            "amber", "bold", "brave", "bright", "calm", "clever", "crisp", "eager", "gentle", "glad", "keen",
            "lively", "lucky", "merry", "nimble", "patient", "proud", "quiet", "rapid", "sharp", "shy", "silent",
            "steady", "sturdy", "swift", "tidy", "upbeat", "vivid", "warm", "wise", "witty", "zealous");
    private static final List<String> HARBOUR = List.of(
            "anchor", "beacon", "bollard", "buoy", "cargo", "cleat", "crane", "dock", "ferry", "galley", "gangway",
            "harbor", "hawser", "hull", "jetty", "keel", "lighthouse", "mast", "mooring", "pier", "pilot", "quay",
            "rudder", "sail", "skiff", "slipway", "tide", "tugboat", "wharf", "winch");

    private ContainerNames() {}

    /** A new container id: 32 random bytes in hex. */
    public static String newId() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** A generated name (with Docker's slash) that {@code free} accepts; a digit is added after many collisions. */
    public static String generate(Predicate<String> free) {
        for (int attempt = 0; ; attempt++) {
            String name = "/" + ADJECTIVES.get(RANDOM.nextInt(ADJECTIVES.size())) + "_"
                    + HARBOUR.get(RANDOM.nextInt(HARBOUR.size())) + (attempt < 10 ? "" : Integer.toString(RANDOM.nextInt(10)));
            if (free.test(name)) {
                return name;
            }
        }
    }
}
