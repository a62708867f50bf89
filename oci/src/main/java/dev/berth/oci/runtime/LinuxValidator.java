package dev.berth.oci.runtime;

import static dev.berth.oci.runtime.SpecValidator.nonEmpty;
import static dev.berth.oci.runtime.SpecValidator.orEmpty;
import static dev.berth.oci.runtime.SpecValidator.quote;
import static dev.berth.oci.runtime.SpecValidator.range;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules for the {@code linux} object (config-linux.md) other than cgroup resources
 * ({@link ResourcesValidator}) and seccomp ({@link SeccompValidator}). Part of
 * {@link SpecValidator}.
 */
final class LinuxValidator {
    private static final long UINT32_MAX = 0xFFFF_FFFFL;
    private static final Set<String> PROPAGATIONS = Set.of(
            "private", "rprivate", "slave", "rslave", "shared", "rshared", "unbindable", "runbindable");
    private static final Set<String> DEVICE_TYPES = Set.of("c", "b", "u", "p");
    private static final Set<String> CLOCKS = Set.of("monotonic", "boottime");
    /** The System V IPC sysctls that the ipc namespace isolates (runc's list). */
    private static final Set<String> IPC_SYSCTLS = Set.of("kernel.msgmax", "kernel.msgmnb", "kernel.msgmni",
            "kernel.sem", "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced");

    private LinuxValidator() {}

    static void validate(Spec spec, Namespaces ns) throws InvalidSpecException {
        Linux linux = spec.linux();
        userMappings(linux, ns);
        timeOffsets(linux, ns);
        devices(orEmpty(linux.devices()));
        sysctls(spec, ns);
        if (linux.rootfsPropagation() != null && !SpecValidator.oneOf(PROPAGATIONS, linux.rootfsPropagation())) {
            throw new InvalidSpecException("linux.rootfsPropagation",
                    "unknown propagation " + quote(linux.rootfsPropagation()));
        }
        absolutePaths("linux.maskedPaths", orEmpty(linux.maskedPaths()));
        absolutePaths("linux.readonlyPaths", orEmpty(linux.readonlyPaths()));
        personality(linux.personality());
        if (linux.resources() != null) {
            ResourcesValidator.validate(linux.resources());
        }
        if (linux.seccomp() != null) {
            SeccompValidator.validate(linux.seccomp());
        }
    }

    private static void userMappings(Linux linux, Namespaces ns) throws InvalidSpecException {
        for (String name : List.of("uidMappings", "gidMappings")) {
            List<Spec.IdMapping> mappings = name.equals("uidMappings") ? linux.uidMappings() : linux.gidMappings();
            boolean present = mappings != null && !mappings.isEmpty();
            if (present && !ns.has(NamespaceType.USER)) {
                throw new InvalidSpecException("linux." + name, "requires a user namespace");
            }
            // A new user namespace without a map has no valid ids at all: every file shows as
            // the overflow id and setuid(0) fails.
            if (!present && ns.creates(NamespaceType.USER)) {
                throw new InvalidSpecException("linux." + name, "must be set when creating a user namespace");
            }
            idMappings("linux." + name, mappings);
        }
    }

    /** Checks one uid or gid map as {@code user_namespaces(7)} will accept it. */
    static void idMappings(String field, List<Spec.IdMapping> mappings) throws InvalidSpecException {
        List<Spec.IdMapping> list = orEmpty(mappings);
        for (int i = 0; i < list.size(); i++) {
            String at = field + "[" + i + "]";
            Spec.IdMapping m = list.get(i);
            range(at + ".containerID", m.containerID(), 0, UINT32_MAX);
            range(at + ".hostID", m.hostID(), 0, UINT32_MAX);
            if (m.size() <= 0) {
                throw new InvalidSpecException(at + ".size", "must be greater than zero");
            }
            if (m.containerID() + m.size() - 1 > UINT32_MAX || m.hostID() + m.size() - 1 > UINT32_MAX) {
                throw new InvalidSpecException(at + ".size", m.size() + " ids do not fit in 32 bits");
            }
            // The kernel rejects a map whose ranges overlap, with a bare EINVAL on write.
            for (int j = 0; j < i; j++) {
                Spec.IdMapping o = list.get(j);
                if (overlap(m.containerID(), o.containerID(), m.size(), o.size())
                        || overlap(m.hostID(), o.hostID(), m.size(), o.size())) {
                    throw new InvalidSpecException(at, "overlaps " + field + "[" + j + "]");
                }
            }
        }
    }

    private static boolean overlap(long a, long b, long sizeA, long sizeB) {
        return a < b + sizeB && b < a + sizeA;
    }

    private static void timeOffsets(Linux linux, Namespaces ns) throws InvalidSpecException {
        Map<String, Linux.TimeOffset> offsets = orEmpty(linux.timeOffsets());
        if (offsets.isEmpty()) {
            return;
        }
        if (!ns.has(NamespaceType.TIME)) {
            throw new InvalidSpecException("linux.timeOffsets", "requires a time namespace");
        }
        // time_namespaces(7): offsets can only be written before the first process enters the
        // namespace, so a joined one already has its clocks.
        if (!ns.creates(NamespaceType.TIME)) {
            throw new InvalidSpecException("linux.timeOffsets", "cannot be set when joining a time namespace");
        }
        for (Map.Entry<String, Linux.TimeOffset> e : offsets.entrySet()) {
            String field = "linux.timeOffsets[" + quote(e.getKey()) + "]";
            if (!CLOCKS.contains(e.getKey())) {
                throw new InvalidSpecException(field, "unknown clock (want monotonic or boottime)");
            }
            if (e.getValue() != null) {
                range(field + ".nanosecs", e.getValue().nanosecs(), 0, 999_999_999);
            }
        }
    }

    private static void devices(List<Linux.Device> devices) throws InvalidSpecException {
        for (int i = 0; i < devices.size(); i++) {
            String field = "linux.devices[" + i + "]";
            Linux.Device d = devices.get(i);
            if (!nonEmpty(d.type())) {
                throw new InvalidSpecException(field + ".type", "must be set");
            }
            if (!DEVICE_TYPES.contains(d.type())) {
                throw new InvalidSpecException(field + ".type",
                        "unknown device type " + quote(d.type()) + " (want c, b, u or p)");
            }
            if (!nonEmpty(d.path())) {
                throw new InvalidSpecException(field + ".path", "must be set");
            }
            SpecValidator.requireAbsolute(field + ".path", d.path());
            // A fifo (p) has no device number; mknod(2) of c/b/u needs one.
            if (!d.type().equals("p")) {
                if (d.major() == null) {
                    throw new InvalidSpecException(field + ".major", "must be set for a " + quote(d.type()) + " device");
                }
                if (d.minor() == null) {
                    throw new InvalidSpecException(field + ".minor", "must be set for a " + quote(d.type()) + " device");
                }
            }
        }
    }

    /**
     * A sysctl is written inside the container, but only some are per-namespace; writing any
     * other one would change the host. So, as runc does: IPC ones need an ipc namespace,
     * {@code net.*} a network namespace that is not the runtime's own, and
     * {@code kernel.hostname}/{@code kernel.domainname} a uts namespace; the rest are refused.
     */
    private static void sysctls(Spec spec, Namespaces ns) throws InvalidSpecException {
        for (String key : orEmpty(spec.linux().sysctl()).keySet()) {
            String field = "linux.sysctl[" + quote(key) + "]";
            String name = key.replace('/', '.'); // sysctl(8) accepts both separators
            if (IPC_SYSCTLS.contains(name) || name.startsWith("fs.mqueue.")) {
                if (!ns.has(NamespaceType.IPC)) {
                    throw new InvalidSpecException(field, "requires an ipc namespace");
                }
            } else if (name.startsWith("net.")) {
                if (!ns.has(NamespaceType.NETWORK)) {
                    throw new InvalidSpecException(field, "requires a network namespace");
                }
                if (ns.joinedPath(NamespaceType.NETWORK).filter(LinuxValidator::isOwnNetns).isPresent()) {
                    throw new InvalidSpecException(field, "not allowed in the host's network namespace");
                }
            } else if (name.equals("kernel.hostname") || name.equals("kernel.domainname")) {
                if (!ns.has(NamespaceType.UTS)) {
                    throw new InvalidSpecException(field, "requires a uts namespace");
                }
                String specField = name.substring("kernel.".length());
                String value = specField.equals("hostname") ? spec.hostname() : spec.domainname();
                if (nonEmpty(value)) {
                    throw new InvalidSpecException(field, "conflicts with the " + specField + " field");
                }
            } else {
                throw new InvalidSpecException(field, "not namespaced; setting it would change the host");
            }
        }
    }

    /** Whether a namespace path is the network namespace this process (the runtime) is in. */
    private static boolean isOwnNetns(String path) {
        try {
            return Files.isSameFile(Path.of("/proc/self/ns/net"), Path.of(path));
        } catch (IOException e) {
            return false; // joining it will fail later, with its own error
        }
    }

    private static void absolutePaths(String field, List<String> paths) throws InvalidSpecException {
        for (int i = 0; i < paths.size(); i++) {
            SpecValidator.requireAbsolute(field + "[" + i + "]", paths.get(i));
        }
    }

    private static void personality(Linux.Personality p) throws InvalidSpecException {
        if (p == null) {
            return;
        }
        if (!"LINUX".equals(p.domain()) && !"LINUX32".equals(p.domain())) {
            throw new InvalidSpecException("linux.personality.domain", p.domain() == null
                    ? "must be set" : "unknown domain " + quote(p.domain()) + " (want LINUX or LINUX32)");
        }
        if (!orEmpty(p.flags()).isEmpty()) {
            throw new InvalidSpecException("linux.personality.flags", "no flags are supported");
        }
    }
}
