package dev.berth.runtime.seccomp;

import dev.berth.oci.runtime.Linux;

import java.util.Arrays;
import java.util.List;

/** Short ways to write OCI seccomp profiles in tests, and to compile and run them. */
final class TestProfiles {

    static final int X86_64 = Arch.X86_64.auditArch();
    static final int I386 = Arch.X86.auditArch();
    static final int AARCH64 = Arch.AARCH64.auditArch();
    static final int ARM = Arch.ARM.auditArch();
    static final int EPERM = SeccompReturn.errno(1);
    static final int ENOSYS = SeccompReturn.errno(38);
    static final int ALLOW = SeccompReturn.ALLOW;

    private TestProfiles() {}

    /** A profile with no flags (so the flag default does not show) and the given rules. */
    static Linux.Seccomp profile(String defaultAction, List<String> architectures, Linux.Syscall... rules) {
        return new Linux.Seccomp(defaultAction, null, architectures, List.of(), null, null, Arrays.asList(rules));
    }

    static Linux.Syscall rule(String action, List<String> names, Linux.SeccompArg... args) {
        return new Linux.Syscall(names, action, null, args.length == 0 ? null : Arrays.asList(args));
    }

    static Linux.Syscall errno(int errno, List<String> names, Linux.SeccompArg... args) {
        return new Linux.Syscall(names, "SCMP_ACT_ERRNO", errno, args.length == 0 ? null : Arrays.asList(args));
    }

    static Linux.SeccompArg arg(int index, String op, long value) {
        return new Linux.SeccompArg(index, value, 0, "SCMP_CMP_" + op);
    }

    static Linux.SeccompArg masked(int index, long mask, long datum) {
        return new Linux.SeccompArg(index, mask, datum, "SCMP_CMP_MASKED_EQ");
    }

    static BpfProgram compile(Linux.Seccomp profile, Arch nativeArch) {
        try {
            return new SeccompCompiler().compile(profile, nativeArch);
        } catch (SeccompException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** Compiles for an x86_64 host and loads the result into the checking interpreter. */
    static BpfInterpreter load(Linux.Seccomp profile) {
        return new BpfInterpreter(compile(profile, Arch.X86_64).toBytes());
    }

    static int nr(Arch arch, String name) {
        return arch.syscalls().number(name).orElseThrow(() -> new AssertionError(name + " unknown on " + arch));
    }
}
