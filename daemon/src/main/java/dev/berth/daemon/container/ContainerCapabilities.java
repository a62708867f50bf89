package dev.berth.daemon.container;

import dev.berth.oci.runtime.Capability;
import dev.berth.oci.runtime.Spec;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The capabilities a container's process gets, as moby's {@code caps.TweakCapabilities}
 * computes them: Docker's 14 defaults, minus {@code CapDrop}, plus {@code CapAdd}; {@code ALL}
 * in {@code CapAdd} means every capability, in {@code CapDrop} nothing but what is added;
 * {@code --privileged} means every capability. Names may be given with or without
 * {@code CAP_}, in any case.
 *
 * <p>"Every capability" is every one the daemon itself holds, as in moby (whose
 * {@code GetAllCapabilities} lists those of its own bounding set). On a host where even root
 * lacks {@code CAP_SYS_RESOURCE}, asking for it by name is refused with dockerd's message rather
 * than failing later in the runtime.
 */
public final class ContainerCapabilities {
    /** moby's {@code caps.DefaultCapabilities()}, in its order. */
    public static final List<Capability> DEFAULTS = List.of(
            Capability.CAP_CHOWN, Capability.CAP_DAC_OVERRIDE, Capability.CAP_FSETID, Capability.CAP_FOWNER,
            Capability.CAP_MKNOD, Capability.CAP_NET_RAW, Capability.CAP_SETGID, Capability.CAP_SETUID,
            Capability.CAP_SETFCAP, Capability.CAP_SETPCAP, Capability.CAP_NET_BIND_SERVICE,
            Capability.CAP_SYS_CHROOT, Capability.CAP_KILL, Capability.CAP_AUDIT_WRITE);

    private static final String ALL = "ALL";

    private ContainerCapabilities() {}

    /** The container's capability list. {@code held} is what the daemon holds. */
    public static List<Capability> compute(HostConfig hc, Set<Capability> held) {
        if (hc.isPrivileged()) {
            return List.copyOf(all(held));
        }
        List<String> adds = hc.capAdd() == null ? List.of() : hc.capAdd();
        List<String> drops = hc.capDrop() == null ? List.of() : hc.capDrop();
        Set<String> add = normalize(adds, held, "CapAdd", true);
        Set<String> drop = normalize(drops, held, "CapDrop", false);
        Set<Capability> caps = new LinkedHashSet<>();
        if (add.contains(ALL)) {
            for (Capability c : all(held)) {
                if (!drop.contains(c.name())) {
                    caps.add(c);
                }
            }
            return List.copyOf(caps);
        }
        if (!drop.contains(ALL)) {
            for (Capability c : DEFAULTS) {
                if (!drop.contains(c.name())) {
                    caps.add(c);
                }
            }
        }
        for (String name : add) {
            caps.add(Capability.valueOf(name));
        }
        return List.copyOf(caps);
    }

    /** The same list in each of the sets Docker fills: bounding, effective and permitted. */
    public static Spec.Capabilities toSpec(List<Capability> caps) {
        List<String> names = caps.stream().map(Capability::name).toList();
        return new Spec.Capabilities(names, names, null, names, null);
    }

    private static Set<Capability> all(Set<Capability> held) {
        Set<Capability> out = EnumSet.noneOf(Capability.class);
        out.addAll(held);
        return out;
    }

    /**
     * moby's {@code NormalizeLegacyCapabilities}: upper case, {@code CAP_} prefix, known name.
     * A capability the daemon does not hold is refused when added; dropping one is harmless and
     * accepted (moby refuses both, which makes {@code --cap-drop SYS_RESOURCE} fail on such a host).
     */
    private static Set<String> normalize(List<String> names, Set<Capability> held, String field, boolean adding) {
        Set<String> out = new LinkedHashSet<>();
        for (String raw : names) {
            String c = raw.toUpperCase(Locale.ROOT);
            if (c.equals(ALL)) {
                out.add(ALL);
                continue;
            }
            if (!c.startsWith("CAP_")) {
                c = "CAP_" + c;
            }
            var cap = Capability.byName(c);
            if (cap.isEmpty()) {
                throw new InvalidContainerConfigException("invalid " + field + ": unknown capability: \"" + c + "\"");
            }
            if (adding && !held.contains(cap.get())) {
                throw new InvalidContainerConfigException("invalid " + field
                        + ": capability not supported by your kernel or not available in the current environment: \""
                        + c + "\"");
            }
            out.add(c);
        }
        return out;
    }
}
