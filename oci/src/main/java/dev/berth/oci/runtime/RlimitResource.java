package dev.berth.oci.runtime;

import java.util.Optional;

/**
 * The resources of {@code process.rlimits[].type} ({@code getrlimit(2)}), with the resource
 * number that {@code prlimit(2)} takes. The numbers are those of
 * {@code include/uapi/asm-generic/resource.h}, which x86-64, arm64 and riscv64 use; mips, sparc
 * and alpha number some differently and are not Berth platforms.
 */
public enum RlimitResource {
    RLIMIT_CPU(0),
    RLIMIT_FSIZE(1),
    RLIMIT_DATA(2),
    RLIMIT_STACK(3),
    RLIMIT_CORE(4),
    RLIMIT_RSS(5),
    RLIMIT_NPROC(6),
    RLIMIT_NOFILE(7),
    RLIMIT_MEMLOCK(8),
    RLIMIT_AS(9),
    RLIMIT_LOCKS(10),
    RLIMIT_SIGPENDING(11),
    RLIMIT_MSGQUEUE(12),
    RLIMIT_NICE(13),
    RLIMIT_RTPRIO(14),
    RLIMIT_RTTIME(15);

    private final int resource;

    RlimitResource(int resource) {
        this.resource = resource;
    }

    /** The {@code resource} argument of {@code prlimit(2)}. */
    public int resource() {
        return resource;
    }

    /** The resource with this spec name ({@code RLIMIT_NOFILE}), if it is one. */
    public static Optional<RlimitResource> byName(String name) {
        for (RlimitResource r : values()) {
            if (r.name().equals(name)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }
}
