package dev.berth.runtime.seccomp;

import dev.berth.oci.runtime.Linux;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.berth.runtime.seccomp.TestProfiles.AARCH64;
import static dev.berth.runtime.seccomp.TestProfiles.ALLOW;
import static dev.berth.runtime.seccomp.TestProfiles.ARM;
import static dev.berth.runtime.seccomp.TestProfiles.ENOSYS;
import static dev.berth.runtime.seccomp.TestProfiles.EPERM;
import static dev.berth.runtime.seccomp.TestProfiles.I386;
import static dev.berth.runtime.seccomp.TestProfiles.X86_64;
import static dev.berth.runtime.seccomp.TestProfiles.arg;
import static dev.berth.runtime.seccomp.TestProfiles.compile;
import static dev.berth.runtime.seccomp.TestProfiles.errno;
import static dev.berth.runtime.seccomp.TestProfiles.load;
import static dev.berth.runtime.seccomp.TestProfiles.nr;
import static dev.berth.runtime.seccomp.TestProfiles.profile;
import static dev.berth.runtime.seccomp.TestProfiles.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeccompCompilerTest {

    private static final int READ = 0;
    private static final int WRITE = 1;
    private static final int OPEN = 2;
    private static final int MOUNT = 165;
    private static final int X32 = Arch.X32_SYSCALL_BIT;

    @Test
    void listedSyscallsGetTheirActionOthersTheDefault() {
        BpfInterpreter bpf = load(profile("SCMP_ACT_ERRNO", List.of(),
                rule("SCMP_ACT_ALLOW", List.of("read", "write")),
                rule("SCMP_ACT_KILL_PROCESS", List.of("mount")),
                errno(13, List.of("open"))));

        assertThat(bpf.run(X86_64, READ)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, WRITE)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, MOUNT)).isEqualTo(SeccompReturn.KILL_PROCESS);
        assertThat(bpf.run(X86_64, OPEN)).isEqualTo(SeccompReturn.errno(13));
        assertThat(bpf.run(X86_64, 3)).isEqualTo(EPERM);
    }

    @Test
    void everyActionMapsToItsSeccompReturnValue() {
        BpfInterpreter bpf = load(new Linux.Seccomp("SCMP_ACT_ALLOW", null, null, List.of(), null, null, List.of(
                rule("SCMP_ACT_KILL", List.of("read")),
                rule("SCMP_ACT_KILL_THREAD", List.of("write")),
                rule("SCMP_ACT_KILL_PROCESS", List.of("open")),
                rule("SCMP_ACT_TRAP", List.of("close")),
                rule("SCMP_ACT_ERRNO", List.of("stat")),
                new Linux.Syscall(List.of("fstat"), "SCMP_ACT_TRACE", 42, null),
                rule("SCMP_ACT_TRACE", List.of("lstat")),
                rule("SCMP_ACT_LOG", List.of("poll")))));

        assertThat(bpf.run(X86_64, 0)).isEqualTo(0x00000000);
        assertThat(bpf.run(X86_64, 1)).isEqualTo(0x00000000);
        assertThat(bpf.run(X86_64, 2)).isEqualTo(0x80000000);
        assertThat(bpf.run(X86_64, 3)).isEqualTo(0x00030000);
        assertThat(bpf.run(X86_64, 4)).isEqualTo(0x00050001);
        assertThat(bpf.run(X86_64, 5)).isEqualTo(0x7ff0002a);
        assertThat(bpf.run(X86_64, 6)).isEqualTo(0x7ff00001);
        assertThat(bpf.run(X86_64, 7)).isEqualTo(0x7ffc0000);
        assertThat(bpf.run(X86_64, 8)).isEqualTo(0x7fff0000);
    }

    @Test
    void defaultErrnoRetAppliesToTheDefaultActionOnly() {
        BpfInterpreter bpf = load(new Linux.Seccomp("SCMP_ACT_ERRNO", 38, null, List.of(), null, null, List.of(
                rule("SCMP_ACT_ERRNO", List.of("mount")),
                rule("SCMP_ACT_ALLOW", List.of("read")))));

        assertThat(bpf.run(X86_64, MOUNT)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, 3)).isEqualTo(ENOSYS);
    }

    @Test
    void notifyIsRefusedWithAClearMessage() {
        Linux.Seccomp p = profile("SCMP_ACT_ALLOW", List.of(), rule("SCMP_ACT_NOTIFY", List.of("mount")));
        assertThatThrownBy(() -> new SeccompCompiler().compile(p, Arch.X86_64))
                .isInstanceOf(SeccompException.class)
                .hasMessage("seccomp: syscalls[0]: action SCMP_ACT_NOTIFY is not supported yet");
        Linux.Seccomp d = profile("SCMP_ACT_NOTIFY", List.of());
        assertThatThrownBy(() -> new SeccompCompiler().compile(d, Arch.X86_64))
                .hasMessage("seccomp: defaultAction: action SCMP_ACT_NOTIFY is not supported yet");
    }

    @Test
    void invalidProfilesAreRefused() {
        SeccompCompiler compiler = new SeccompCompiler();
        assertThatThrownBy(() -> compiler.compile(profile("SCMP_ACT_FOO", List.of()), Arch.X86_64))
                .hasMessage("seccomp: defaultAction: unknown action SCMP_ACT_FOO");
        assertThatThrownBy(() -> compiler.compile(new Linux.Seccomp("SCMP_ACT_ALLOW", 5, null, List.of(), null, null, null),
                Arch.X86_64))
                .hasMessageContaining("errnoRet is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE");
        assertThatThrownBy(() -> compiler.compile(profile("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_VAX")), Arch.X86_64))
                .hasMessage("seccomp: unknown architecture SCMP_ARCH_VAX");
        assertThatThrownBy(() -> compiler.compile(profile("SCMP_ACT_ALLOW", List.of(),
                rule("SCMP_ACT_ERRNO", List.of("read"), arg(6, "EQ", 1))), Arch.X86_64))
                .hasMessage("seccomp: syscalls[0]: argument index 6 out of range 0-5");
        assertThatThrownBy(() -> compiler.compile(profile("SCMP_ACT_ALLOW", List.of(),
                rule("SCMP_ACT_ERRNO", List.of("read"), new Linux.SeccompArg(0, 1, 0, "SCMP_CMP_ABOUT"))), Arch.X86_64))
                .hasMessage("seccomp: syscalls[0]: unknown operator SCMP_CMP_ABOUT");
        assertThatThrownBy(() -> compiler.compile(profile("SCMP_ACT_ALLOW", List.of(),
                rule("SCMP_ACT_ERRNO", List.of())), Arch.X86_64))
                .hasMessage("seccomp: syscalls[0]: names must list at least one syscall");
    }

    @Test
    void flagsBecomeSeccompFilterFlagBits() throws SeccompException {
        assertThat(SeccompFlags.of(null)).isEqualTo(SeccompFlags.SPEC_ALLOW);
        assertThat(SeccompFlags.of(List.of())).isZero();
        assertThat(SeccompFlags.of(List.of("SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                "SECCOMP_FILTER_FLAG_SPEC_ALLOW"))).isEqualTo(1 | 2 | 4);
        assertThatThrownBy(() -> SeccompFlags.of(List.of("SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")))
                .hasMessageContaining("needs a notify listener");
        assertThatThrownBy(() -> SeccompFlags.of(List.of("SECCOMP_FILTER_FLAG_NOPE")))
                .hasMessage("seccomp: unknown flag SECCOMP_FILTER_FLAG_NOPE");

        Linux.Seccomp p = new Linux.Seccomp("SCMP_ACT_ALLOW", null, null, List.of("SECCOMP_FILTER_FLAG_LOG"), null, null, null);
        assertThat(compile(p, Arch.X86_64).flags()).isEqualTo(SeccompFlags.LOG);
    }

    @Test
    void unknownNamesAreSkippedAndReported() {
        BpfProgram program = compile(profile("SCMP_ACT_ERRNO", List.of(),
                rule("SCMP_ACT_ALLOW", List.of("read", "frobnicate", "socketcall", "openat"))), Arch.X86_64);
        BpfInterpreter bpf = new BpfInterpreter(program.toBytes());

        assertThat(program.unknownSyscalls()).containsExactly("frobnicate", "socketcall");
        assertThat(bpf.run(X86_64, READ)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, nr(Arch.X86_64, "openat"))).isEqualTo(ALLOW);

        // known on i386, so not reported once i386 is in the filter
        BpfProgram both = compile(profile("SCMP_ACT_ERRNO", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"),
                rule("SCMP_ACT_ALLOW", List.of("read", "frobnicate", "socketcall"))), Arch.X86_64);
        assertThat(both.unknownSyscalls()).containsExactly("frobnicate");
    }

    @Test
    void foreignArchitectureGetsTheBadArchAction() {
        BpfInterpreter bpf = load(profile("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_X86_64")));

        assertThat(bpf.run(X86_64, READ)).isEqualTo(ALLOW);
        assertThat(bpf.run(AARCH64, READ)).isEqualTo(SeccompCompiler.BAD_ARCH_ACTION).isEqualTo(SeccompReturn.KILL_THREAD);
        assertThat(bpf.run(I386, READ)).isEqualTo(SeccompReturn.KILL_THREAD);
        assertThat(bpf.run(0x12345678, READ)).isEqualTo(SeccompReturn.KILL_THREAD);
    }

    @Test
    void nativeArchitectureIsAlwaysInTheFilter() {
        // Like libseccomp's seccomp_init: listing only i386 does not lock out the host's own ABI.
        BpfInterpreter bpf = load(profile("SCMP_ACT_ERRNO", List.of("SCMP_ARCH_X86"),
                rule("SCMP_ACT_ALLOW", List.of("read"))));

        assertThat(bpf.run(X86_64, READ)).isEqualTo(ALLOW);
        assertThat(bpf.run(I386, nr(Arch.X86, "read"))).isEqualTo(ALLOW);
        assertThat(bpf.run(I386, READ)).isEqualTo(EPERM);
    }

    @Test
    void i386SyscallsUseTheI386Numbering() {
        BpfInterpreter bpf = load(profile("SCMP_ACT_ERRNO", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"),
                rule("SCMP_ACT_ALLOW", List.of("execve", "socketcall")),
                rule("SCMP_ACT_KILL_PROCESS", List.of("mount"))));

        assertThat(bpf.run(I386, 11)).isEqualTo(ALLOW);
        assertThat(bpf.run(I386, 102)).isEqualTo(ALLOW);
        assertThat(bpf.run(I386, 21)).isEqualTo(SeccompReturn.KILL_PROCESS);
        assertThat(bpf.run(I386, 59)).isEqualTo(EPERM); // x86_64's execve number means something else here
        assertThat(bpf.run(X86_64, 59)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, 11)).isEqualTo(EPERM);
    }

    @Test
    void x32NumbersAreBadArchWhenX32IsNotInTheFilter() {
        BpfInterpreter bpf = load(profile("SCMP_ACT_ERRNO", List.of("SCMP_ARCH_X86_64"),
                rule("SCMP_ACT_ALLOW", List.of("read", "write"))));

        assertThat(bpf.run(X86_64, READ)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, X32 | READ)).isEqualTo(SeccompReturn.KILL_THREAD);
        assertThat(bpf.run(X86_64, X32 | WRITE)).isEqualTo(SeccompReturn.KILL_THREAD);
        assertThat(bpf.run(X86_64, 0x7fffffff)).isEqualTo(SeccompReturn.KILL_THREAD);
        // -1 is what a tracer sets to skip a syscall: it reaches the rules (libseccomp does the same)
        assertThat(bpf.run(X86_64, -1)).isEqualTo(EPERM);
    }

    @Test
    void x32NumbersFollowX32RulesWhenX32IsInTheFilter() {
        BpfInterpreter bpf = load(profile("SCMP_ACT_ERRNO", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X32"),
                rule("SCMP_ACT_ALLOW", List.of("read", "execve")),
                rule("SCMP_ACT_KILL_PROCESS", List.of("mount"))));

        assertThat(bpf.run(X86_64, X32 | READ)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, X32 | 520)).isEqualTo(ALLOW); // x32 execve
        assertThat(bpf.run(X86_64, X32 | 59)).isEqualTo(EPERM); // x86_64's execve slot, unused by x32
        assertThat(bpf.run(X86_64, X32 | MOUNT)).isEqualTo(SeccompReturn.KILL_PROCESS);
        assertThat(bpf.run(X86_64, X32 | WRITE)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, READ)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, MOUNT)).isEqualTo(SeccompReturn.KILL_PROCESS);
    }

    @Test
    void x32OnlyFilterRejectsX86_64Numbers() {
        BpfInterpreter bpf = new BpfInterpreter(compile(profile("SCMP_ACT_ERRNO", List.of(),
                rule("SCMP_ACT_ALLOW", List.of("read"))), Arch.X32).toBytes());

        assertThat(bpf.run(X86_64, X32 | READ)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, X32 | WRITE)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, READ)).isEqualTo(SeccompReturn.KILL_THREAD);
    }

    @Test
    void aarch64UsesTheGenericTable() {
        BpfProgram program = compile(profile("SCMP_ACT_ERRNO", List.of("SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"),
                rule("SCMP_ACT_ALLOW", List.of("openat", "open", "set_tls", "execve"))), Arch.AARCH64);
        BpfInterpreter bpf = new BpfInterpreter(program.toBytes());

        assertThat(bpf.run(AARCH64, 56)).isEqualTo(ALLOW); // openat
        assertThat(bpf.run(AARCH64, 221)).isEqualTo(ALLOW); // execve
        assertThat(bpf.run(AARCH64, 2)).isEqualTo(EPERM);
        assertThat(bpf.run(ARM, 0x0f0005)).isEqualTo(ALLOW); // set_tls
        assertThat(bpf.run(ARM, 5)).isEqualTo(ALLOW); // open
        assertThat(bpf.run(ARM, 11)).isEqualTo(ALLOW); // execve
        assertThat(bpf.run(X86_64, 56)).isEqualTo(SeccompReturn.KILL_THREAD);
        assertThat(program.unknownSyscalls()).isEmpty();
    }

    @Test
    void architecturesWithoutATableAreSkippedAndReported() {
        BpfProgram program = compile(profile("SCMP_ACT_ALLOW", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_S390X")), Arch.X86_64);
        assertThat(program.skippedArchitectures()).containsExactly("SCMP_ARCH_S390X");
        assertThat(new BpfInterpreter(program.toBytes()).run(0x80000016, 0)).isEqualTo(SeccompReturn.KILL_THREAD);
    }

    @Test
    void syscallsNewerThanTheProfileGetEnosysUnlessTheDefaultIsPermissive() {
        BpfInterpreter bpf = load(profile("SCMP_ACT_ERRNO", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X86"),
                rule("SCMP_ACT_ALLOW", List.of("read", "write")),
                rule("SCMP_ACT_ERRNO", List.of("mount"))));

        assertThat(bpf.run(X86_64, 100)).isEqualTo(EPERM); // below mount: a known, denied syscall
        assertThat(bpf.run(X86_64, MOUNT)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, MOUNT + 1)).isEqualTo(ENOSYS);
        assertThat(bpf.run(X86_64, 450)).isEqualTo(ENOSYS);
        assertThat(bpf.run(X86_64, X32 | READ)).isEqualTo(SeccompReturn.KILL_THREAD);
        assertThat(bpf.run(I386, 21)).isEqualTo(EPERM); // i386 mount
        assertThat(bpf.run(I386, 22)).isEqualTo(ENOSYS);

        BpfInterpreter permissive = load(profile("SCMP_ACT_LOG", List.of("SCMP_ARCH_X86_64"),
                rule("SCMP_ACT_ERRNO", List.of("mount"))));
        assertThat(permissive.run(X86_64, 400)).isEqualTo(SeccompReturn.LOG);

        // runc builds its stub only for the architectures the profile lists
        BpfInterpreter implicit = load(profile("SCMP_ACT_ERRNO", List.of(), rule("SCMP_ACT_ALLOW", List.of("read"))));
        assertThat(implicit.run(X86_64, 400)).isEqualTo(EPERM);
    }

    @Test
    void enosysStubCoversX32AndX86_64Separately() {
        BpfInterpreter bpf = load(profile("SCMP_ACT_ERRNO", List.of("SCMP_ARCH_X86_64", "SCMP_ARCH_X32"),
                rule("SCMP_ACT_ALLOW", List.of("read", "execve"))));

        assertThat(bpf.run(X86_64, 59)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, 60)).isEqualTo(ENOSYS);
        assertThat(bpf.run(X86_64, X32 | 520)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, X32 | 519)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, X32 | 521)).isEqualTo(ENOSYS);
    }

    @Test
    void emptyProfileIsJustTheDefault() {
        BpfProgram program = compile(profile("SCMP_ACT_KILL_PROCESS", List.of()), Arch.X86_64);
        BpfInterpreter bpf = new BpfInterpreter(program.toBytes());
        assertThat(bpf.run(X86_64, READ)).isEqualTo(SeccompReturn.KILL_PROCESS);
        assertThat(program.size()).isLessThan(12);
    }

    @Test
    void encodingIsLittleEndianSockFilter() {
        BpfProgram program = compile(profile("SCMP_ACT_ALLOW", List.of()), Arch.X86_64);
        byte[] bytes = program.toBytes();
        assertThat(bytes).hasSize(8 * program.size());
        // first instruction: ld [4]  (BPF_LD|BPF_W|BPF_ABS = 0x20)
        assertThat(bytes).startsWith(0x20, 0, 0, 0, 4, 0, 0, 0);
        assertThat(program.disassemble()).startsWith("   0: ld [4]");
    }
}
