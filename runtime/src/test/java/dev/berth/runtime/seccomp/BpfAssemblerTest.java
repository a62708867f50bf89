package dev.berth.runtime.seccomp;

import dev.berth.oci.runtime.Linux;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static dev.berth.runtime.seccomp.TestProfiles.ALLOW;
import static dev.berth.runtime.seccomp.TestProfiles.EPERM;
import static dev.berth.runtime.seccomp.TestProfiles.X86_64;
import static dev.berth.runtime.seccomp.TestProfiles.arg;
import static dev.berth.runtime.seccomp.TestProfiles.compile;
import static dev.berth.runtime.seccomp.TestProfiles.errno;
import static dev.berth.runtime.seccomp.TestProfiles.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Jump layout: long programs stay loadable, and too long ones are refused. */
class BpfAssemblerTest {

    @Test
    void farTargetsGetStandInsAndEveryJumpStaysInRange() throws SeccompException {
        BpfAssembler asm = new BpfAssembler();
        BpfAssembler.Label far = asm.label();
        asm.bind(asm.label());
        asm.load(0);
        BpfAssembler.Label next = asm.label();
        asm.jump(BpfInstruction.BPF_JEQ, 7, far, next);
        asm.bind(next);
        // 600 instructions between the jump and its target
        for (int i = 0; i < 300; i++) {
            BpfAssembler.Label n = asm.label();
            asm.jump(BpfInstruction.BPF_JEQ, 1000 + i, asm.ret(SeccompReturn.errno(i % 7 + 1)), n);
            asm.bind(n);
            asm.load(0);
        }
        asm.jumpTo(asm.ret(SeccompReturn.KILL_PROCESS));
        asm.bind(far);
        asm.jump(BpfInstruction.BPF_JEQ, 7, asm.ret(ALLOW), asm.ret(SeccompReturn.TRAP));
        List<BpfInstruction> program = asm.assemble();

        BpfInterpreter bpf = new BpfInterpreter(new BpfProgram(program, 0, List.of(), List.of()).toBytes());
        assertThat(bpf.run(X86_64, 7)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, 1000)).isEqualTo(SeccompReturn.errno(1));
        assertThat(bpf.run(X86_64, 1299)).isEqualTo(SeccompReturn.errno(299 % 7 + 1));
        assertThat(bpf.run(X86_64, 5)).isEqualTo(SeccompReturn.KILL_PROCESS);
        assertThat(program).anySatisfy(i -> assertThat(i.code()).isEqualTo(BpfInstruction.BPF_JMP | BpfInstruction.BPF_JA));
    }

    @Test
    void everyX86_64SyscallWithItsOwnActionStillDecidesCorrectly() {
        // ~360 syscalls, three different actions and argument tests: the search tree and the
        // shared returns are far apart, so this needs long jumps all over.
        List<String> names = new ArrayList<>(Arch.X86_64.syscalls().names());
        List<Linux.Syscall> rules = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            rules.add(switch (i % 4) {
                case 0 -> rule("SCMP_ACT_ALLOW", List.of(name));
                case 1 -> errno(i % 200 + 2, List.of(name));
                case 2 -> rule("SCMP_ACT_TRACE", List.of(name));
                default -> rule("SCMP_ACT_ALLOW", List.of(name), arg(0, "EQ", i));
            });
        }
        BpfProgram program = compile(new Linux.Seccomp("SCMP_ACT_ERRNO", null, List.of("SCMP_ARCH_X86_64"),
                List.of(), null, null, rules), Arch.X86_64);
        BpfInterpreter bpf = new BpfInterpreter(program.toBytes());

        for (int i = 0; i < names.size(); i++) {
            int nr = TestProfiles.nr(Arch.X86_64, names.get(i));
            switch (i % 4) {
                case 0 -> assertThat(bpf.run(X86_64, nr)).as(names.get(i)).isEqualTo(ALLOW);
                case 1 -> assertThat(bpf.run(X86_64, nr)).as(names.get(i)).isEqualTo(SeccompReturn.errno(i % 200 + 2));
                case 2 -> assertThat(bpf.run(X86_64, nr)).as(names.get(i)).isEqualTo(SeccompReturn.TRACE | 1);
                default -> {
                    assertThat(bpf.run(X86_64, nr, i)).as(names.get(i)).isEqualTo(ALLOW);
                    assertThat(bpf.run(X86_64, nr, i + 1)).as(names.get(i)).isEqualTo(EPERM);
                }
            }
        }
        assertThat(program.size()).isLessThanOrEqualTo(BpfProgram.MAX_INSTRUCTIONS);
    }

    @Test
    void programsOverTheKernelLimitAreRefused() {
        List<Linux.Syscall> rules = new ArrayList<>();
        for (String name : Arch.X86_64.syscalls().names()) {
            for (int v = 0; v < 3; v++) {
                rules.add(rule("SCMP_ACT_ALLOW", List.of(name), arg(0, "EQ", v), arg(1, "GT", v)));
            }
        }
        Linux.Seccomp huge = new Linux.Seccomp("SCMP_ACT_ERRNO", null, null, List.of(), null, null, rules);
        assertThatThrownBy(() -> new SeccompCompiler().compile(huge, Arch.X86_64))
                .isInstanceOf(SeccompException.class)
                .hasMessageMatching("seccomp: filter needs \\d+ instructions, the kernel allows 4096 \\(BPF_MAXINSNS\\)");
    }

    @Test
    void interpreterRejectsWhatTheKernelWouldReject() {
        assertThatThrownBy(() -> new BpfInterpreter(encode(BpfInstruction.load(0))))
                .hasMessageContaining("does not end in ret");
        assertThatThrownBy(() -> new BpfInterpreter(encode(
                BpfInstruction.jump(BpfInstruction.BPF_JEQ, 1, 1, 0), BpfInstruction.ret(0))))
                .hasMessageContaining("jump out of program");
        assertThatThrownBy(() -> new BpfInterpreter(encode(BpfInstruction.ja(1), BpfInstruction.ret(0))))
                .hasMessageContaining("ja out of program");
        assertThatThrownBy(() -> new BpfInterpreter(encode(BpfInstruction.load(64), BpfInstruction.ret(0))))
                .hasMessageContaining("bad load offset");
        assertThatThrownBy(() -> new BpfInterpreter(encode(BpfInstruction.load(2), BpfInstruction.ret(0))))
                .hasMessageContaining("bad load offset");
        assertThatThrownBy(() -> new BpfInterpreter(new byte[0])).hasMessageContaining("0 instructions");
    }

    @Test
    void instructionsRefuseOutOfRangeFields() {
        assertThatThrownBy(() -> BpfInstruction.jump(BpfInstruction.BPF_JEQ, 0, 256, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BpfInstruction(0x10000, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static byte[] encode(BpfInstruction... insns) {
        ByteBuffer buf = ByteBuffer.allocate(insns.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (BpfInstruction i : insns) {
            buf.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return buf.array();
    }
}
