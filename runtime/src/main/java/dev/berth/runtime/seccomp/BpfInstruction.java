package dev.berth.runtime.seccomp;

/**
 * One classic BPF instruction, the kernel's {@code struct sock_filter}: a 16-bit opcode, two
 * 8-bit relative jump offsets and a 32-bit constant. Jumps count instructions after the next one,
 * so {@code jt = 0} means "fall through"; they can only go forward, and at most 255 ahead, which
 * is why the {@link BpfAssembler} inserts long jumps ({@code BPF_JMP|BPF_JA}, 32-bit offset).
 *
 * <p>Only the opcodes a seccomp filter needs are named here; {@code linux/filter.h} and
 * {@code linux/bpf_common.h} are the reference.
 */
public record BpfInstruction(int code, int jt, int jf, int k) {

    public static final int BPF_LD = 0x00;
    public static final int BPF_ALU = 0x04;
    public static final int BPF_JMP = 0x05;
    public static final int BPF_RET = 0x06;

    public static final int BPF_W = 0x00;
    public static final int BPF_ABS = 0x20;
    public static final int BPF_K = 0x00;
    public static final int BPF_AND = 0x50;

    public static final int BPF_JA = 0x00;
    public static final int BPF_JEQ = 0x10;
    public static final int BPF_JGT = 0x20;
    public static final int BPF_JGE = 0x30;
    public static final int BPF_JSET = 0x40;

    /** Size in bytes of one encoded instruction. */
    public static final int SIZE = 8;

    public BpfInstruction {
        if (code < 0 || code > 0xFFFF) {
            throw new IllegalArgumentException("bpf opcode out of range: " + code);
        }
        if (jt < 0 || jt > 255 || jf < 0 || jf > 255) {
            throw new IllegalArgumentException("bpf jump offset out of range: jt=" + jt + " jf=" + jf);
        }
    }

    /** {@code A = seccomp_data[offset]} (a 32-bit word). */
    public static BpfInstruction load(int offset) {
        return new BpfInstruction(BPF_LD | BPF_W | BPF_ABS, 0, 0, offset);
    }

    /** {@code A &= k}. */
    public static BpfInstruction and(int k) {
        return new BpfInstruction(BPF_ALU | BPF_AND | BPF_K, 0, 0, k);
    }

    /** A conditional jump comparing {@code A} (unsigned) with {@code k}. */
    public static BpfInstruction jump(int op, int k, int jt, int jf) {
        return new BpfInstruction(BPF_JMP | op | BPF_K, jt, jf, k);
    }

    /** An unconditional jump over {@code offset} instructions. */
    public static BpfInstruction ja(int offset) {
        return new BpfInstruction(BPF_JMP | BPF_JA, 0, 0, offset);
    }

    /** Stop and return {@code k} (a {@code SECCOMP_RET_*} value) to the kernel. */
    public static BpfInstruction ret(int k) {
        return new BpfInstruction(BPF_RET | BPF_K, 0, 0, k);
    }

    public boolean isConditionalJump() {
        return (code & 0x07) == BPF_JMP && (code & 0xF0) != BPF_JA;
    }

    @Override
    public String toString() {
        int cls = code & 0x07;
        String hexK = "0x" + Integer.toHexString(k);
        return switch (cls) {
            case BPF_LD -> "ld [" + k + "]";
            case BPF_ALU -> "and #" + hexK;
            case BPF_RET -> "ret #" + hexK;
            case BPF_JMP -> switch (code & 0xF0) {
                case BPF_JA -> "ja +" + k;
                case BPF_JEQ -> "jeq #" + hexK + " jt " + jt + " jf " + jf;
                case BPF_JGT -> "jgt #" + hexK + " jt " + jt + " jf " + jf;
                case BPF_JGE -> "jge #" + hexK + " jt " + jt + " jf " + jf;
                case BPF_JSET -> "jset #" + hexK + " jt " + jt + " jf " + jf;
                default -> "jmp? 0x" + Integer.toHexString(code);
            };
            default -> "op 0x" + Integer.toHexString(code) + " k " + hexK;
        };
    }
}
