package dev.berth.oci.runtime;

import java.util.List;

/**
 * The names {@code linux.seccomp} may use, as config-linux.md lists them (libseccomp v2.6.0).
 * They are public so that the runtime's {@code features} command reports exactly what the
 * validator accepts, and the seccomp compiler can switch over them knowing nothing else gets
 * through.
 */
public final class SeccompNames {
    private SeccompNames() {}

    /** {@code defaultAction} and {@code syscalls[].action}. */
    public static final List<String> ACTIONS = List.of(
            "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
            "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY");

    /** {@code syscalls[].args[].op}. */
    public static final List<String> OPERATORS = List.of(
            "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE",
            "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ");

    /** {@code architectures}. */
    public static final List<String> ARCHITECTURES = List.of(
            "SCMP_ARCH_X86", "SCMP_ARCH_X86_64", "SCMP_ARCH_X32", "SCMP_ARCH_ARM",
            "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
            "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
            "SCMP_ARCH_PPC64", "SCMP_ARCH_PPC64LE", "SCMP_ARCH_S390", "SCMP_ARCH_S390X",
            "SCMP_ARCH_PARISC", "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
            "SCMP_ARCH_M68K", "SCMP_ARCH_SH", "SCMP_ARCH_SHEB");

    /** {@code flags}: the {@code seccomp(2)} filter flags. */
    public static final List<String> FLAGS = List.of(
            "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
            "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV");

    /** The actions that return an errno and so may carry {@code errnoRet}. */
    public static final List<String> ERRNO_ACTIONS = List.of("SCMP_ACT_ERRNO", "SCMP_ACT_TRACE");
}
