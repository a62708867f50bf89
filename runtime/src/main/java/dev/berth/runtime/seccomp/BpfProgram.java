package dev.berth.runtime.seccomp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A compiled seccomp filter, ready for the shim's {@code SECCOMP} step:
 * {@code seccomp(SECCOMP_SET_MODE_FILTER, flags, &(struct sock_fprog){len, filter})}.
 *
 * <p>The compiler never fails on names it does not know (runc does the same, so that one
 * profile serves old and new kernels); it reports them instead, for the caller to log.
 *
 * @param instructions         the program, at most {@link #MAX_INSTRUCTIONS} long
 * @param flags                {@code SECCOMP_FILTER_FLAG_*} bits for {@code seccomp(2)}
 * @param unknownSyscalls      names in the profile that no compiled architecture knows, sorted
 * @param skippedArchitectures profile architectures that are valid but have no syscall table
 *                             here; their syscalls get the bad-architecture action
 */
public record BpfProgram(
        List<BpfInstruction> instructions,
        int flags,
        List<String> unknownSyscalls,
        List<String> skippedArchitectures) {

    /** {@code BPF_MAXINSNS}: the kernel refuses longer classic BPF programs. */
    public static final int MAX_INSTRUCTIONS = 4096;

    public BpfProgram {
        instructions = List.copyOf(instructions);
        unknownSyscalls = List.copyOf(unknownSyscalls);
        skippedArchitectures = List.copyOf(skippedArchitectures);
    }

    public int size() {
        return instructions.size();
    }

    /**
     * The program as an array of {@code struct sock_filter} in host (little-endian) byte order:
     * {@code u16 code, u8 jt, u8 jf, u32 k}, 8 bytes each.
     */
    public byte[] toBytes() {
        ByteBuffer buf = ByteBuffer.allocate(instructions.size() * BpfInstruction.SIZE)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (BpfInstruction insn : instructions) {
            buf.putShort((short) insn.code());
            buf.put((byte) insn.jt());
            buf.put((byte) insn.jf());
            buf.putInt(insn.k());
        }
        return buf.array();
    }

    /** A numbered listing, one instruction per line, for debugging. */
    public String disassemble() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < instructions.size(); i++) {
            out.append(String.format("%4d: %s%n", i, instructions.get(i)));
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return "BpfProgram[" + instructions.size() + " instructions, flags=" + flags
                + ", unknownSyscalls=" + unknownSyscalls.stream().collect(Collectors.joining(","))
                + "]";
    }
}
