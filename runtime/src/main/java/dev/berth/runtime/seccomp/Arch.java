package dev.berth.runtime.seccomp;

import java.util.Locale;
import java.util.Optional;

/**
 * A system call ABI that a seccomp filter can tell apart, with the numbers the kernel puts in
 * {@code seccomp_data.arch} ({@code AUDIT_ARCH_*} from {@code linux/audit.h}).
 *
 * <p>One CPU may offer several ABIs: an x86_64 kernel also runs i386 programs (their syscalls
 * arrive with {@code AUDIT_ARCH_I386} and the i386 numbering) and, if built with x32, x32
 * programs. x32 is the odd one: it reports {@code AUDIT_ARCH_X86_64} and is recognised only by
 * bit 30 ({@code __X32_SYSCALL_BIT}) in the syscall number, which is why a filter that names
 * syscalls by their x86_64 numbers must not let x32 numbers through by accident.
 *
 * <p>{@link #wide()} follows libseccomp's {@code ARCH_SIZE_*}: on the 32-bit ABIs (including
 * x32, which libseccomp sizes as 32-bit) argument comparisons look at the low 32 bits only.
 */
public enum Arch {
    X86_64("SCMP_ARCH_X86_64", 0xC000003E, "x86_64", true, "amd64"),
    X86("SCMP_ARCH_X86", 0x40000003, "x86", false, "x86"),
    X32("SCMP_ARCH_X32", 0xC000003E, "x32", false, "x32"),
    AARCH64("SCMP_ARCH_AARCH64", 0xC00000B7, "aarch64", true, "arm64"),
    ARM("SCMP_ARCH_ARM", 0x40000028, "arm", false, "arm");

    /** {@code __X32_SYSCALL_BIT}: set in every x32 syscall number. */
    public static final int X32_SYSCALL_BIT = 0x40000000;

    private final String scmpName;
    private final int auditArch;
    private final String tableName;
    private final boolean wide;
    private final String dockerName;

    Arch(String scmpName, int auditArch, String tableName, boolean wide, String dockerName) {
        this.scmpName = scmpName;
        this.auditArch = auditArch;
        this.tableName = tableName;
        this.wide = wide;
        this.dockerName = dockerName;
    }

    /** The OCI / libseccomp name, {@code SCMP_ARCH_X86_64}. */
    public String scmpName() {
        return scmpName;
    }

    /** The {@code AUDIT_ARCH_*} value the kernel reports in {@code seccomp_data.arch}. */
    public int auditArch() {
        return auditArch;
    }

    /** Whether argument comparisons use all 64 bits (libseccomp's {@code ARCH_SIZE_64}). */
    public boolean wide() {
        return wide;
    }

    /** The name Docker profiles use in {@code includes.arches} ({@code amd64}, {@code arm64}). */
    public String dockerName() {
        return dockerName;
    }

    /** This ABI's syscall numbers, loaded on first use. */
    public SyscallTable syscalls() {
        return SyscallTable.of(this);
    }

    String tableName() {
        return tableName;
    }

    /** The architecture named {@code SCMP_ARCH_*}, if Berth has a syscall table for it. */
    public static Optional<Arch> fromScmpName(String name) {
        for (Arch a : values()) {
            if (a.scmpName.equals(name)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /** The architecture of the JVM's host, from {@code os.arch}. */
    public static Arch host() {
        String os = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        return switch (os) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            case "x86", "i386", "i486", "i586", "i686" -> X86;
            case "arm" -> ARM;
            default -> throw new IllegalStateException("no seccomp support for host architecture " + os);
        };
    }
}
