package dev.berth.runtime.seccomp;

import dev.berth.oci.runtime.Linux;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * A profile's rules, validated once and then resolved per architecture into one decision per
 * syscall number, with the precedence runc and libseccomp give them.
 *
 * <ul>
 *   <li>A rule whose action equals the default action is dropped before anything else (runc's
 *       {@code matchCall}: "this rule is redundant, silently skip it").</li>
 *   <li>Conditions of one rule are ANDed. If two conditions test the same argument, runc falls
 *       back to its old behaviour and adds each condition as a rule of its own, so they are
 *       ORed instead; this is reproduced because profiles written for runc rely on it.</li>
 *   <li>For one syscall, an unconditional rule wins over every conditional one whatever the
 *       order, and the first unconditional rule wins over later ones (libseccomp's
 *       {@code db_rule_add}: an existing rule without chains "is at least as large as the new
 *       entry"; a new one without chains clears the existing chains).</li>
 *   <li>Conditional rules are tried in profile order and the first that matches decides.
 *       libseccomp merges them into a tree ordered by argument, and rejects two rules with the
 *       same conditions and different actions; for rules that do not overlap, which is every
 *       profile seen in practice, the outcome is the same.</li>
 *   <li>A name the architecture does not know is skipped, like runc does for names its
 *       libseccomp does not know.</li>
 * </ul>
 */
final class SyscallRules {

    /** One rule after validation: the names it covers, its return value and OR-ed condition sets. */
    record Rule(List<String> names, int action, List<List<ArgComparison>> alternatives) {}

    /** A conditional rule for one syscall: all conditions hold → {@code action}. */
    record Conditional(List<ArgComparison> conditions, int action) {}

    /**
     * What the filter does for one syscall number: {@code unconditional} if set, else the first
     * matching conditional rule, else the default action.
     */
    record Decision(Arch arch, int number, Integer unconditional, List<Conditional> conditional) {}

    private final List<Rule> rules;
    private final int defaultAction;

    private SyscallRules(List<Rule> rules, int defaultAction) {
        this.rules = rules;
        this.defaultAction = defaultAction;
    }

    /** Validates every rule of {@code syscalls}; errors name the rule by its position. */
    static SyscallRules parse(List<Linux.Syscall> syscalls, int defaultAction) throws SeccompException {
        List<Rule> rules = new ArrayList<>();
        for (int i = 0; syscalls != null && i < syscalls.size(); i++) {
            Linux.Syscall s = syscalls.get(i);
            String what = "syscalls[" + i + "]";
            if (s == null || s.names() == null || s.names().isEmpty()) {
                throw new SeccompException(what + ": names must list at least one syscall");
            }
            int action = SeccompReturn.of(s.action(), s.errnoRet(), what);
            List<ArgComparison> conditions = new ArrayList<>();
            Set<Integer> indexes = new HashSet<>();
            boolean repeated = false;
            for (Linux.SeccompArg arg : s.args() == null ? List.<Linux.SeccompArg>of() : s.args()) {
                ArgComparison c = ArgComparison.of(arg, what);
                repeated |= !indexes.add(c.index());
                conditions.add(c);
            }
            List<List<ArgComparison>> alternatives = repeated
                    ? conditions.stream().map(List::of).toList()
                    : List.of(List.copyOf(conditions));
            rules.add(new Rule(List.copyOf(s.names()), action, alternatives));
        }
        return new SyscallRules(List.copyOf(rules), defaultAction);
    }

    List<Rule> rules() {
        return rules;
    }

    /**
     * The decisions for {@code arch}, sorted by number (unsigned). Names this ABI knows are
     * added to {@code known}.
     */
    List<Decision> resolve(Arch arch, Set<String> known) {
        TreeMap<Integer, Builder> byNumber = new TreeMap<>(Integer::compareUnsigned);
        SyscallTable table = arch.syscalls();
        for (Rule rule : rules) {
            for (String name : rule.names()) {
                OptionalInt nr = table.number(name);
                if (nr.isEmpty()) {
                    continue;
                }
                known.add(name);
                if (rule.action() == defaultAction) {
                    continue;
                }
                Builder b = byNumber.computeIfAbsent(nr.getAsInt(), n -> new Builder());
                for (List<ArgComparison> conditions : rule.alternatives()) {
                    b.add(conditions, rule.action());
                }
            }
        }
        List<Decision> out = new ArrayList<>(byNumber.size());
        byNumber.forEach((nr, b) -> out.add(new Decision(arch, nr, b.unconditional, List.copyOf(b.conditional))));
        return out;
    }

    /**
     * The largest number (unsigned) that any rule names on {@code arch}, whatever its action,
     * or empty: runc's {@code findLastSyscalls}, the bound of its {@code -ENOSYS} stub.
     */
    OptionalInt lastSyscall(Arch arch) {
        SyscallTable table = arch.syscalls();
        Integer last = null;
        for (Rule rule : rules) {
            for (String name : rule.names()) {
                OptionalInt nr = table.number(name);
                if (nr.isPresent() && (last == null || Integer.compareUnsigned(nr.getAsInt(), last) > 0)) {
                    last = nr.getAsInt();
                }
            }
        }
        return last == null || last == 0 ? OptionalInt.empty() : OptionalInt.of(last);
    }

    private static final class Builder {
        Integer unconditional;
        final List<Conditional> conditional = new ArrayList<>();

        void add(List<ArgComparison> conditions, int action) {
            if (unconditional != null) {
                return;
            }
            if (conditions.isEmpty()) {
                unconditional = action;
                conditional.clear();
            } else {
                conditional.add(new Conditional(conditions, action));
            }
        }
    }
}
