package dev.berth.runtime.seccomp;

import dev.berth.oci.runtime.Linux;

import static dev.berth.runtime.seccomp.BpfInstruction.BPF_JEQ;
import static dev.berth.runtime.seccomp.BpfInstruction.BPF_JGE;
import static dev.berth.runtime.seccomp.BpfInstruction.BPF_JGT;

/**
 * One condition on a syscall argument, {@code args[index] OP value}, compared as an unsigned
 * 64-bit number the way libseccomp does it, and its translation to BPF.
 *
 * <p>Classic BPF only loads 32-bit words, so a 64-bit argument is two loads from
 * {@code seccomp_data.args[index]} (offset {@code 16 + 8 * index}): the low word at {@code +0},
 * the high word at {@code +4} on the little-endian ABIs Berth supports. The high words decide
 * unless they are equal; then the low words do. On ABIs that libseccomp sizes as 32-bit
 * ({@link Arch#wide()} false) only the low word is compared, and the operands are cut to 32 bits
 * as libseccomp's {@code _db_rule_gen_32} does.
 *
 * <p>{@code SCMP_CMP_MASKED_EQ} takes the mask in {@code value} and the datum in
 * {@code valueTwo} (libseccomp-golang's {@code MakeCondition} order, which runc uses) and tests
 * {@code (arg & mask) == (datum & mask)}: libseccomp masks the datum too
 * ({@code _db_node_mask_fixup}).
 */
record ArgComparison(int index, Operator op, long value, long valueTwo) {

    /** The OCI operators, {@code SCMP_CMP_*}. */
    enum Operator { NE, LT, LE, EQ, GE, GT, MASKED_EQ }

    /** Linux syscalls take at most six arguments. */
    static final int MAX_ARGS = 6;

    private static final int ARGS_OFFSET = 16;

    static ArgComparison of(Linux.SeccompArg arg, String what) throws SeccompException {
        if (arg.index() < 0 || arg.index() >= MAX_ARGS) {
            throw new SeccompException(what + ": argument index " + arg.index() + " out of range 0-5");
        }
        Operator op = switch (arg.op() == null ? "" : arg.op()) {
            case "SCMP_CMP_NE" -> Operator.NE;
            case "SCMP_CMP_LT" -> Operator.LT;
            case "SCMP_CMP_LE" -> Operator.LE;
            case "SCMP_CMP_EQ" -> Operator.EQ;
            case "SCMP_CMP_GE" -> Operator.GE;
            case "SCMP_CMP_GT" -> Operator.GT;
            case "SCMP_CMP_MASKED_EQ" -> Operator.MASKED_EQ;
            default -> throw new SeccompException(what + ": unknown operator " + arg.op());
        };
        return new ArgComparison(arg.index(), op, arg.value(), arg.valueTwo());
    }

    /**
     * Writes the test into the open block of {@code asm}, ending it with jumps to {@code match}
     * or {@code fail}.
     */
    void emit(BpfAssembler asm, boolean wide, BpfAssembler.Label match, BpfAssembler.Label fail) {
        int low = ARGS_OFFSET + 8 * index;
        int high = low + 4;
        if (op == Operator.MASKED_EQ) {
            long datum = valueTwo & value;
            // A zero high mask makes the high test always true: skip it, as libseccomp does.
            if (wide && (value >>> 32) != 0) {
                BpfAssembler.Label lowPart = asm.label();
                asm.load(high);
                asm.and((int) (value >>> 32));
                asm.jump(BPF_JEQ, (int) (datum >>> 32), lowPart, fail);
                asm.bind(lowPart);
            }
            asm.load(low);
            asm.and((int) value);
            asm.jump(BPF_JEQ, (int) datum, match, fail);
            return;
        }
        if (wide) {
            int hi = (int) (value >>> 32);
            BpfAssembler.Label equalHigh = asm.label();
            asm.load(high);
            switch (op) {
                case EQ -> asm.jump(BPF_JEQ, hi, equalHigh, fail);
                case NE -> asm.jump(BPF_JEQ, hi, equalHigh, match);
                case GT, GE -> jumpGreaterThenEqual(asm, hi, match, equalHigh, fail);
                case LT, LE -> jumpGreaterThenEqual(asm, hi, fail, equalHigh, match);
                default -> throw new AssertionError(op);
            }
            asm.bind(equalHigh);
        }
        asm.load(low);
        int lo = (int) value;
        switch (op) {
            case EQ -> asm.jump(BPF_JEQ, lo, match, fail);
            case NE -> asm.jump(BPF_JEQ, lo, fail, match);
            case GT -> asm.jump(BPF_JGT, lo, match, fail);
            case GE -> asm.jump(BPF_JGE, lo, match, fail);
            case LT -> asm.jump(BPF_JGE, lo, fail, match);
            case LE -> asm.jump(BPF_JGT, lo, fail, match);
            default -> throw new AssertionError(op);
        }
    }

    /** {@code A > k → greater; A == k → equal; else → less}, as two blocks. */
    private static void jumpGreaterThenEqual(BpfAssembler asm, int k, BpfAssembler.Label greater,
            BpfAssembler.Label equal, BpfAssembler.Label less) {
        BpfAssembler.Label notGreater = asm.label();
        asm.jump(BPF_JGT, k, greater, notGreater);
        asm.bind(notGreater);
        asm.jump(BPF_JEQ, k, equal, less);
    }
}
