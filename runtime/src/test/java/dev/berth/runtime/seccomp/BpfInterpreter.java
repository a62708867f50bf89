package dev.berth.runtime.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A classic BPF interpreter for seccomp filters, so tests can run a compiled program over a
 * {@code struct seccomp_data} instead of trusting its shape.
 *
 * <p>It decodes the program from {@link BpfProgram#toBytes()} (so the encoding is under test
 * too) and first checks it the way the kernel does before loading: {@code bpf_check_classic}
 * (length 1..4096, jumps forward and inside the program, ends in {@code RET}) and
 * {@code seccomp_check_filter} (loads are aligned words inside the 64-byte {@code seccomp_data}).
 * It accepts only the opcodes the compiler emits; anything else is rejected, which is stricter
 * than the kernel and on purpose.
 */
final class BpfInterpreter {

    private static final int SECCOMP_DATA_SIZE = 64;

    private final int[] code;
    private final int[] jt;
    private final int[] jf;
    private final int[] k;

    BpfInterpreter(byte[] program) {
        if (program.length % BpfInstruction.SIZE != 0) {
            throw new IllegalArgumentException("program length " + program.length + " is not a multiple of 8");
        }
        int n = program.length / BpfInstruction.SIZE;
        if (n < 1 || n > BpfProgram.MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("program has " + n + " instructions");
        }
        code = new int[n];
        jt = new int[n];
        jf = new int[n];
        k = new int[n];
        ByteBuffer buf = ByteBuffer.wrap(program).order(ByteOrder.LITTLE_ENDIAN);
        for (int pc = 0; pc < n; pc++) {
            code[pc] = Short.toUnsignedInt(buf.getShort());
            jt[pc] = Byte.toUnsignedInt(buf.get());
            jf[pc] = Byte.toUnsignedInt(buf.get());
            k[pc] = buf.getInt();
            check(pc, n);
        }
        if (code[n - 1] != (BpfInstruction.BPF_RET | BpfInstruction.BPF_K)) {
            throw new IllegalArgumentException("program does not end in ret");
        }
    }

    private void check(int pc, int n) {
        int c = code[pc];
        if (c == (BpfInstruction.BPF_LD | BpfInstruction.BPF_W | BpfInstruction.BPF_ABS)) {
            if (Integer.compareUnsigned(k[pc], SECCOMP_DATA_SIZE) >= 0 || (k[pc] & 3) != 0) {
                throw new IllegalArgumentException(pc + ": bad load offset " + k[pc]);
            }
        } else if (c == (BpfInstruction.BPF_JMP | BpfInstruction.BPF_JA)) {
            if (Integer.compareUnsigned(k[pc], n - pc - 1) >= 0) {
                throw new IllegalArgumentException(pc + ": ja out of program");
            }
        } else if (c == (BpfInstruction.BPF_JMP | BpfInstruction.BPF_JEQ)
                || c == (BpfInstruction.BPF_JMP | BpfInstruction.BPF_JGT)
                || c == (BpfInstruction.BPF_JMP | BpfInstruction.BPF_JGE)
                || c == (BpfInstruction.BPF_JMP | BpfInstruction.BPF_JSET)) {
            if (pc + jt[pc] + 1 >= n || pc + jf[pc] + 1 >= n) {
                throw new IllegalArgumentException(pc + ": jump out of program");
            }
        } else if (c != (BpfInstruction.BPF_ALU | BpfInstruction.BPF_AND | BpfInstruction.BPF_K)
                && c != (BpfInstruction.BPF_RET | BpfInstruction.BPF_K)) {
            throw new IllegalArgumentException(pc + ": unexpected opcode 0x" + Integer.toHexString(c));
        }
    }

    int size() {
        return code.length;
    }

    /** Runs the filter for a syscall and returns its {@code SECCOMP_RET_*} value. */
    int run(int arch, int nr, long... args) {
        if (args.length > 6) {
            throw new IllegalArgumentException("at most 6 arguments");
        }
        ByteBuffer data = ByteBuffer.allocate(SECCOMP_DATA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        data.putInt(0, nr);
        data.putInt(4, arch);
        data.putLong(8, 0x7f00_0000_1000L); // instruction_pointer
        for (int i = 0; i < args.length; i++) {
            data.putLong(16 + 8 * i, args[i]);
        }
        int a = 0;
        int pc = 0;
        while (true) {
            int c = code[pc];
            switch (c) {
                case BpfInstruction.BPF_LD | BpfInstruction.BPF_W | BpfInstruction.BPF_ABS -> a = data.getInt(k[pc]);
                case BpfInstruction.BPF_ALU | BpfInstruction.BPF_AND | BpfInstruction.BPF_K -> a &= k[pc];
                case BpfInstruction.BPF_RET | BpfInstruction.BPF_K -> {
                    return k[pc];
                }
                case BpfInstruction.BPF_JMP | BpfInstruction.BPF_JA -> pc += k[pc];
                case BpfInstruction.BPF_JMP | BpfInstruction.BPF_JEQ -> pc += a == k[pc] ? jt[pc] : jf[pc];
                case BpfInstruction.BPF_JMP | BpfInstruction.BPF_JGT ->
                        pc += Integer.compareUnsigned(a, k[pc]) > 0 ? jt[pc] : jf[pc];
                case BpfInstruction.BPF_JMP | BpfInstruction.BPF_JGE ->
                        pc += Integer.compareUnsigned(a, k[pc]) >= 0 ? jt[pc] : jf[pc];
                case BpfInstruction.BPF_JMP | BpfInstruction.BPF_JSET -> pc += (a & k[pc]) != 0 ? jt[pc] : jf[pc];
                default -> throw new IllegalStateException("unchecked opcode " + c);
            }
            pc++;
        }
    }
}
