package dev.berth.runtime.plan;

import dev.berth.oci.runtime.Capability;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/** Capability sets as the bit masks that the shim's {@code CAPSET} and {@code CAPBSET} steps take. */
public final class Capabilities {
    private Capabilities() {}

    /** The mask of the named capabilities; unknown names are left out (the validator refuses them). */
    public static long mask(Collection<String> names) {
        long m = 0;
        if (names != null) {
            for (String n : names) {
                m |= Capability.byName(n).map(c -> 1L << c.bit()).orElse(0L);
            }
        }
        return m;
    }

    /** The names of the bits set in {@code mask}. */
    public static List<String> names(long mask) {
        return Arrays.stream(Capability.values()).filter(c -> (mask & (1L << c.bit())) != 0)
                .map(Capability::name).toList();
    }
}
