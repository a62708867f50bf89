package dev.berth.runtime.seccomp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Lays out a classic BPF program written with symbolic labels, and keeps every jump in range.
 *
 * <p>Code is written as blocks: {@link #bind} starts one, loads and ALU operations extend it, and
 * a jump or return ends it. No block falls through into the next, every jump names its targets,
 * so blocks can be moved apart freely. That is what makes long programs possible: a conditional
 * jump reaches at most 255 instructions ahead, so when a target is farther the assembler places
 * a stand-in right after the jumping block, either a copy of the target (when the target is a
 * lone {@code ret}) or a {@code ja} (32-bit offset) to it, and reuses a stand-in for the same
 * target that is already within reach. This is libseccomp's approach in {@code gen_bpf.c}
 * ({@code _gen_bpf_build_jmp} and {@code _gen_bpf_build_jmp_ret}).
 *
 * <p>Return blocks are shared: {@link #ret} hands out one label per return value, and those
 * blocks go at the end of the program, which therefore always ends in a {@code ret}.
 */
final class BpfAssembler {

    /** A jump target; identity is what matters. */
    static final class Label {}

    private record Insn(int code, int k, Label jt, Label jf) {
        boolean jumps() {
            return (code & 0x07) == BpfInstruction.BPF_JMP;
        }

        boolean conditional() {
            return jumps() && (code & 0xF0) != BpfInstruction.BPF_JA;
        }

        Insn retarget(Label from, Label to) {
            return new Insn(code, k, jt == from ? to : jt, jf == from ? to : jf);
        }
    }

    private static final class Block {
        final Label label;
        /** For a stand-in: the label it replaces; otherwise null. */
        final Label standsFor;
        final List<Insn> insns = new ArrayList<>();

        Block(Label label, Label standsFor) {
            this.label = label;
            this.standsFor = standsFor;
        }

        boolean reaches(Label target) {
            return label == target || standsFor == target;
        }
    }

    private final List<Block> blocks = new ArrayList<>();
    private final Map<Integer, Label> returns = new LinkedHashMap<>();
    private final Set<Label> bound = new HashSet<>();
    private Block open;

    Label label() {
        return new Label();
    }

    /** Starts the block that {@code label} names; the previous block must have ended. */
    void bind(Label label) {
        if (open != null) {
            throw new IllegalStateException("bpf block falls through into the next one");
        }
        if (!bound.add(label)) {
            throw new IllegalStateException("bpf label bound twice");
        }
        open = new Block(label, null);
        blocks.add(open);
    }

    /** {@code A = seccomp_data[offset]}. */
    void load(int offset) {
        append(new Insn(BpfInstruction.BPF_LD | BpfInstruction.BPF_W | BpfInstruction.BPF_ABS, offset, null, null));
    }

    /** {@code A &= mask}. */
    void and(int mask) {
        append(new Insn(BpfInstruction.BPF_ALU | BpfInstruction.BPF_AND | BpfInstruction.BPF_K, mask, null, null));
    }

    /** Ends the block with a conditional jump ({@code BPF_JEQ}, {@code BPF_JGT}, ...). */
    void jump(int op, int k, Label ifTrue, Label ifFalse) {
        append(new Insn(BpfInstruction.BPF_JMP | op | BpfInstruction.BPF_K, k, ifTrue, ifFalse));
        open = null;
    }

    /** Ends the block with an unconditional jump. */
    void jumpTo(Label target) {
        append(new Insn(BpfInstruction.BPF_JMP | BpfInstruction.BPF_JA, 0, target, null));
        open = null;
    }

    /** The label of the shared block that returns {@code value}. */
    Label ret(int value) {
        return returns.computeIfAbsent(value, v -> new Label());
    }

    private void append(Insn insn) {
        if (open == null) {
            throw new IllegalStateException("bpf instruction outside a block (unreachable)");
        }
        open.insns.add(insn);
    }

    /** Lays the blocks out, adding stand-ins where jumps are too long, and encodes them. */
    List<BpfInstruction> assemble() throws SeccompException {
        if (open != null) {
            throw new IllegalStateException("last bpf block has no jump or return");
        }
        List<Block> layout = new ArrayList<>(blocks);
        Map<Label, Integer> retValues = new HashMap<>();
        returns.forEach((value, label) -> {
            Block b = new Block(label, null);
            b.insns.add(new Insn(BpfInstruction.BPF_RET | BpfInstruction.BPF_K, value, null, null));
            layout.add(b);
            retValues.put(label, value);
        });
        Map<Label, Integer> at = positions(layout);
        for (Block b : layout) {
            for (Insn i : b.insns) {
                if ((i.jt != null && !at.containsKey(i.jt)) || (i.jf != null && !at.containsKey(i.jf))) {
                    throw new IllegalStateException("bpf jump to a label that was never bound");
                }
            }
        }
        while (!fixOneLongJump(layout, retValues)) {
            int size = size(layout);
            if (size > BpfProgram.MAX_INSTRUCTIONS) {
                throw tooLarge(size);
            }
        }
        int size = size(layout);
        if (size > BpfProgram.MAX_INSTRUCTIONS) {
            throw tooLarge(size);
        }
        at = positions(layout);
        List<BpfInstruction> out = new ArrayList<>(size);
        for (Block b : layout) {
            for (Insn i : b.insns) {
                int pc = out.size();
                if (i.conditional()) {
                    out.add(new BpfInstruction(i.code, offset(at, pc, i.jt), offset(at, pc, i.jf), i.k));
                } else if (i.jumps()) {
                    out.add(BpfInstruction.ja(offset(at, pc, i.jt)));
                } else {
                    out.add(new BpfInstruction(i.code, 0, 0, i.k));
                }
            }
        }
        return out;
    }

    /**
     * Finds the last conditional jump that cannot reach a target and gives it a stand-in;
     * returns true when every jump is in range. Working from the end lets a stand-in serve
     * every earlier jump that can reach it.
     */
    private static boolean fixOneLongJump(List<Block> layout, Map<Label, Integer> retValues) {
        Map<Label, Integer> at = positions(layout);
        for (int bi = layout.size() - 1; bi >= 0; bi--) {
            Block b = layout.get(bi);
            Insn last = b.insns.getLast();
            if (!last.conditional()) {
                continue;
            }
            int pc = at.get(b.label) + b.insns.size() - 1;
            for (Label target : new Label[] {last.jt, last.jf}) {
                if (at.get(target) - pc - 1 <= 255) {
                    continue;
                }
                Label near = nearbyStandIn(layout, bi, pc, target, at);
                if (near == null) {
                    near = new Label();
                    Block standIn = new Block(near, target);
                    Integer value = retValues.get(target);
                    standIn.insns.add(value != null
                            ? new Insn(BpfInstruction.BPF_RET | BpfInstruction.BPF_K, value, null, null)
                            : new Insn(BpfInstruction.BPF_JMP | BpfInstruction.BPF_JA, 0, target, null));
                    layout.add(bi + 1, standIn);
                }
                b.insns.set(b.insns.size() - 1, last.retarget(target, near));
                return false;
            }
        }
        return true;
    }

    private static Label nearbyStandIn(List<Block> layout, int bi, int pc, Label target, Map<Label, Integer> at) {
        for (int j = bi + 1; j < layout.size(); j++) {
            Block c = layout.get(j);
            if (at.get(c.label) - pc - 1 > 255) {
                return null;
            }
            if (c.reaches(target)) {
                return c.label;
            }
        }
        return null;
    }

    private static Map<Label, Integer> positions(List<Block> layout) {
        Map<Label, Integer> at = new HashMap<>();
        int pc = 0;
        for (Block b : layout) {
            at.put(b.label, pc);
            pc += b.insns.size();
        }
        return at;
    }

    private static int size(List<Block> layout) {
        return layout.stream().mapToInt(b -> b.insns.size()).sum();
    }

    private static int offset(Map<Label, Integer> at, int pc, Label target) {
        Integer to = at.get(target);
        if (to == null) {
            throw new IllegalStateException("bpf jump to a label that was never bound");
        }
        int off = to - pc - 1;
        if (off < 0) {
            throw new IllegalStateException("bpf jump backwards at " + pc);
        }
        return off;
    }

    private static SeccompException tooLarge(int size) {
        return new SeccompException("filter needs " + size + " instructions, the kernel allows "
                + BpfProgram.MAX_INSTRUCTIONS + " (BPF_MAXINSNS)");
    }
}
