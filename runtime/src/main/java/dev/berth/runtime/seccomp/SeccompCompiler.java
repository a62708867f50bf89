package dev.berth.runtime.seccomp;

import dev.berth.oci.runtime.Linux;
import dev.berth.oci.runtime.SeccompNames;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

import static dev.berth.runtime.seccomp.BpfInstruction.BPF_JEQ;
import static dev.berth.runtime.seccomp.BpfInstruction.BPF_JGE;
import static dev.berth.runtime.seccomp.BpfInstruction.BPF_JGT;
import static dev.berth.runtime.seccomp.BpfInstruction.BPF_JSET;

/**
 * Compiles an OCI seccomp profile into the classic BPF program that runc would load, so that
 * the shim only has to hand it to {@code seccomp(2)}. Deciding in Java keeps the policy
 * unit-testable and out of the forked child (DESIGN.md: "Java decides, C executes").
 *
 * <p>The program, section by section:
 * <pre>
 *   ld  seccomp_data.arch
 *   jeq AUDIT_ARCH_A → A; jeq AUDIT_ARCH_B → B; ...; else ret BAD_ARCH_ACTION
 *   A:  ld seccomp_data.nr
 *       [-ENOSYS stub]  [x86_64/x32 split]
 *       binary search on nr → ret ACTION | argument tests | ret DEFAULT
 *   B:  ...
 * </pre>
 * The architectures are the native one plus those the profile lists: libseccomp's
 * {@code seccomp_init} always puts the native ABI in the filter, and runc only adds to it.
 *
 * <p><b>Bad architecture.</b> A syscall from an ABI that is not in the filter gets
 * {@link #BAD_ARCH_ACTION}, {@code SECCOMP_RET_KILL_THREAD}: libseccomp's default
 * ({@code db_col_reset} sets {@code act_badarch = SCMP_ACT_KILL}) and runc never changes it
 * ({@code InitSeccomp} has no {@code SetBadArchAction}). {@code KILL_PROCESS} would be tidier for
 * a threaded program, but the point is to behave as Docker on runc does.
 *
 * <p><b>x32.</b> x32 shares {@code AUDIT_ARCH_X86_64} and marks its numbers with bit 30, so
 * the two share one section, as in libseccomp's {@code _gen_bpf_build_bpf}. With both in the
 * filter the x86_64 and x32 numbers are simply searched together. With x86_64 but not x32, a
 * number {@code >= 0x40000000} gets the bad-architecture action, except {@code -1} (which a
 * tracer uses to skip a syscall) that goes on to the rules; with x32 but not x86_64, a number
 * below {@code 0x40000000} gets it (libseccomp's {@code _gen_bpf_arch}, "filter out x32").
 *
 * <p><b>-ENOSYS.</b> Like runc's {@code patchbpf} stub, unless the default action is allow,
 * log or trace, a syscall numbered above the highest one the profile names for a listed
 * architecture returns {@code ENOSYS} rather than the default action, so that a C library
 * trying a syscall newer than the profile falls back instead of failing with {@code EPERM}.
 * runc builds this stub only for the architectures the profile lists, so does this.
 *
 * <p>Rule precedence is described in {@link SyscallRules}, argument tests in
 * {@link ArgComparison}, jump layout in {@link BpfAssembler}.
 */
public final class SeccompCompiler {

    /** What a syscall from an architecture outside the filter gets (see the class comment). */
    public static final int BAD_ARCH_ACTION = SeccompReturn.KILL_THREAD;

    private static final int OFFSET_NR = 0;
    private static final int OFFSET_ARCH = 4;
    /** Syscalls per leaf of the binary search, compared one after the other. */
    private static final int LEAF = 4;

    /**
     * Compiles {@code profile} for a host whose own ABI is {@code nativeArch}.
     *
     * @throws SeccompException if an action, operator, flag or architecture is invalid or
     *                          unsupported, or the program would exceed 4096 instructions
     */
    public BpfProgram compile(Linux.Seccomp profile, Arch nativeArch) throws SeccompException {
        Objects.requireNonNull(profile, "profile");
        Objects.requireNonNull(nativeArch, "nativeArch");
        int defaultAction = SeccompReturn.of(profile.defaultAction(), profile.defaultErrnoRet(), "defaultAction");
        int flags = SeccompFlags.of(profile.flags());
        Set<Arch> listed = new LinkedHashSet<>();
        List<String> skippedArchitectures = new ArrayList<>();
        for (String name : profile.architectures() == null ? List.<String>of() : profile.architectures()) {
            var arch = Arch.fromScmpName(name);
            if (arch.isPresent()) {
                listed.add(arch.get());
            } else if (SeccompNames.ARCHITECTURES.contains(name)) {
                skippedArchitectures.add(name);
            } else {
                throw new SeccompException("unknown architecture " + name);
            }
        }
        Set<Arch> arches = new LinkedHashSet<>();
        arches.add(nativeArch);
        arches.addAll(listed);
        // One section per AUDIT_ARCH value: x86_64 and x32 share theirs.
        Map<Integer, List<Arch>> sections = new LinkedHashMap<>();
        for (Arch a : arches) {
            sections.computeIfAbsent(a.auditArch(), k -> new ArrayList<>()).add(a);
        }

        SyscallRules rules = SyscallRules.parse(profile.syscalls(), defaultAction);
        Map<Arch, OptionalInt> enosysAbove = new HashMap<>();
        for (Arch a : listed) {
            if (!SeccompReturn.isPermissive(defaultAction)) {
                enosysAbove.put(a, rules.lastSyscall(a));
            }
        }
        Set<String> known = new HashSet<>();
        BpfAssembler asm = new BpfAssembler();
        asm.bind(asm.label());
        asm.load(OFFSET_ARCH);
        List<BpfAssembler.Label> starts = new ArrayList<>();
        List<Integer> audits = new ArrayList<>(sections.keySet());
        for (int i = 0; i < audits.size(); i++) {
            BpfAssembler.Label start = asm.label();
            boolean last = i == audits.size() - 1;
            BpfAssembler.Label next = last ? asm.ret(BAD_ARCH_ACTION) : asm.label();
            asm.jump(BPF_JEQ, audits.get(i), start, next);
            if (!last) {
                asm.bind(next);
            }
            starts.add(start);
        }
        for (int i = 0; i < audits.size(); i++) {
            asm.bind(starts.get(i));
            new Section(asm, sections.get(audits.get(i)), enosysAbove, defaultAction).emit(rules, known);
        }
        List<BpfInstruction> program = asm.assemble();

        Set<String> unknown = new TreeSet<>();
        rules.rules().forEach(r -> unknown.addAll(r.names()));
        unknown.removeAll(known);
        return new BpfProgram(program, flags, List.copyOf(unknown), skippedArchitectures);
    }

    /** The code for one {@code AUDIT_ARCH} value: one ABI, or x86_64 and x32 together. */
    private record Section(BpfAssembler asm, List<Arch> arches, Map<Arch, OptionalInt> enosysAbove, int defaultAction) {

        void emit(SyscallRules rules, Set<String> known) {
            asm.load(OFFSET_NR);
            boolean x86_64 = arches.contains(Arch.X86_64);
            boolean x32 = arches.contains(Arch.X32);
            OptionalInt max64 = above(Arch.X86_64);
            OptionalInt max32 = above(Arch.X32);
            BpfAssembler.Label dispatch = asm.label();
            if (x86_64 && x32) {
                if (max64.isPresent() || max32.isPresent()) {
                    BpfAssembler.Label check32 = max32.isPresent() ? asm.label() : dispatch;
                    BpfAssembler.Label check64 = max64.isPresent() ? asm.label() : dispatch;
                    asm.jump(BPF_JSET, Arch.X32_SYSCALL_BIT, check32, check64);
                    enosysCheck(check32, max32, dispatch);
                    enosysCheck(check64, max64, dispatch);
                    asm.bind(dispatch);
                }
            } else if (x86_64) {
                // runc's stub first (it skips x32 numbers), then libseccomp's "filter out x32".
                BpfAssembler.Label abi = asm.label();
                if (max64.isPresent()) {
                    BpfAssembler.Label check64 = asm.label();
                    asm.jump(BPF_JSET, Arch.X32_SYSCALL_BIT, abi, check64);
                    enosysCheck(check64, max64, abi);
                    asm.bind(abi);
                }
                BpfAssembler.Label minusOne = asm.label();
                asm.jump(BPF_JGE, Arch.X32_SYSCALL_BIT, minusOne, dispatch);
                asm.bind(minusOne);
                asm.jump(BPF_JEQ, -1, dispatch, asm.ret(BAD_ARCH_ACTION));
                asm.bind(dispatch);
            } else if (x32) {
                BpfAssembler.Label abi = asm.label();
                if (max32.isPresent()) {
                    BpfAssembler.Label check32 = asm.label();
                    asm.jump(BPF_JSET, Arch.X32_SYSCALL_BIT, check32, abi);
                    enosysCheck(check32, max32, abi);
                    asm.bind(abi);
                }
                asm.jump(BPF_JGE, Arch.X32_SYSCALL_BIT, dispatch, asm.ret(BAD_ARCH_ACTION));
                asm.bind(dispatch);
            } else {
                OptionalInt max = above(arches.getFirst());
                if (max.isPresent()) {
                    enosysCheck(null, max, dispatch);
                    asm.bind(dispatch);
                }
            }

            List<SyscallRules.Decision> decisions = new ArrayList<>();
            for (Arch a : arches) {
                decisions.addAll(rules.resolve(a, known));
            }
            decisions.sort(Comparator.comparing(SyscallRules.Decision::number, Integer::compareUnsigned));
            Map<SyscallRules.Decision, BpfAssembler.Label> bodies = new LinkedHashMap<>();
            for (SyscallRules.Decision d : decisions) {
                if (d.unconditional() == null) {
                    bodies.put(d, asm.label());
                }
            }
            search(decisions, 0, decisions.size(), bodies);
            bodies.forEach(this::body);
        }

        private OptionalInt above(Arch arch) {
            return arches.contains(arch) ? enosysAbove.getOrDefault(arch, OptionalInt.empty()) : OptionalInt.empty();
        }

        /** {@code nr > max → -ENOSYS, else → otherwise}, in a block bound at {@code at} (null: the open one). */
        private void enosysCheck(BpfAssembler.Label at, OptionalInt max, BpfAssembler.Label otherwise) {
            if (max.isPresent()) {
                if (at != null) {
                    asm.bind(at);
                }
                asm.jump(BPF_JGT, max.getAsInt(), asm.ret(SeccompReturn.errno(SeccompReturn.ENOSYS)), otherwise);
            }
        }

        /** A binary search over {@code decisions[lo, hi)} with {@code A} = the syscall number. */
        private void search(List<SyscallRules.Decision> decisions, int lo, int hi,
                Map<SyscallRules.Decision, BpfAssembler.Label> bodies) {
            if (hi == lo) {
                asm.jumpTo(asm.ret(defaultAction));
            } else if (hi - lo <= LEAF) {
                for (int i = lo; i < hi; i++) {
                    SyscallRules.Decision d = decisions.get(i);
                    BpfAssembler.Label target = d.unconditional() != null ? asm.ret(d.unconditional()) : bodies.get(d);
                    BpfAssembler.Label next = i == hi - 1 ? asm.ret(defaultAction) : asm.label();
                    asm.jump(BPF_JEQ, d.number(), target, next);
                    if (i < hi - 1) {
                        asm.bind(next);
                    }
                }
            } else {
                int mid = (lo + hi) >>> 1;
                BpfAssembler.Label left = asm.label();
                BpfAssembler.Label right = asm.label();
                asm.jump(BPF_JGE, decisions.get(mid).number(), right, left);
                asm.bind(left);
                search(decisions, lo, mid, bodies);
                asm.bind(right);
                search(decisions, mid, hi, bodies);
            }
        }

        /** The argument tests of one syscall: rules in order, then the default action. */
        private void body(SyscallRules.Decision d, BpfAssembler.Label start) {
            asm.bind(start);
            List<SyscallRules.Conditional> rules = d.conditional();
            for (int r = 0; r < rules.size(); r++) {
                SyscallRules.Conditional rule = rules.get(r);
                BpfAssembler.Label nextRule = r == rules.size() - 1 ? asm.ret(defaultAction) : asm.label();
                List<ArgComparison> conditions = rule.conditions();
                for (int c = 0; c < conditions.size(); c++) {
                    boolean lastCondition = c == conditions.size() - 1;
                    BpfAssembler.Label holds = lastCondition ? asm.ret(rule.action()) : asm.label();
                    conditions.get(c).emit(asm, d.arch().wide(), holds, nextRule);
                    if (!lastCondition) {
                        asm.bind(holds);
                    }
                }
                if (r < rules.size() - 1) {
                    asm.bind(nextRule);
                }
            }
        }
    }
}
