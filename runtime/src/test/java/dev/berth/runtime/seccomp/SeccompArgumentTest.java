package dev.berth.runtime.seccomp;

import dev.berth.oci.runtime.Linux;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiPredicate;

import static dev.berth.runtime.seccomp.TestProfiles.ALLOW;
import static dev.berth.runtime.seccomp.TestProfiles.EPERM;
import static dev.berth.runtime.seccomp.TestProfiles.I386;
import static dev.berth.runtime.seccomp.TestProfiles.X86_64;
import static dev.berth.runtime.seccomp.TestProfiles.arg;
import static dev.berth.runtime.seccomp.TestProfiles.errno;
import static dev.berth.runtime.seccomp.TestProfiles.load;
import static dev.berth.runtime.seccomp.TestProfiles.masked;
import static dev.berth.runtime.seccomp.TestProfiles.profile;
import static dev.berth.runtime.seccomp.TestProfiles.rule;
import static org.assertj.core.api.Assertions.assertThat;

/** Argument comparisons, run through the interpreter against unsigned 64-bit arithmetic. */
class SeccompArgumentTest {

    private static final int WRITE = 1;

    /** Boundaries of both 32-bit halves, values above 2^32 and "negative" 64-bit values. */
    private static final long[] VALUES = {
        0L, 1L, 2L, 0x7fff_ffffL, 0x8000_0000L, 0xffff_fffeL, 0xffff_ffffL,
        0x1_0000_0000L, 0x1_0000_0001L, 0x1_ffff_ffffL, 0x2_0000_0000L,
        0x7fff_ffff_ffff_ffffL, 0x8000_0000_0000_0000L, 0xffff_ffff_0000_0000L,
        -2L, -1L, 0x1234_5678_9abc_def0L,
    };

    private static Set<Long> probes(long value) {
        Set<Long> probes = new LinkedHashSet<>();
        for (long v : VALUES) {
            probes.add(v);
        }
        probes.add(value - 1);
        probes.add(value);
        probes.add(value + 1);
        probes.add(value ^ 0x1_0000_0000L); // same low word, different high word
        probes.add(value ^ 1L); // same high word, different low word
        return probes;
    }

    @ParameterizedTest
    @ValueSource(strings = {"EQ", "NE", "LT", "LE", "GT", "GE"})
    void comparesAsUnsigned64Bit(String op) {
        BiPredicate<Long, Long> expected = switch (op) {
            case "EQ" -> (a, v) -> a.longValue() == v.longValue();
            case "NE" -> (a, v) -> a.longValue() != v.longValue();
            case "LT" -> (a, v) -> Long.compareUnsigned(a, v) < 0;
            case "LE" -> (a, v) -> Long.compareUnsigned(a, v) <= 0;
            case "GT" -> (a, v) -> Long.compareUnsigned(a, v) > 0;
            case "GE" -> (a, v) -> Long.compareUnsigned(a, v) >= 0;
            default -> throw new AssertionError(op);
        };
        for (long value : VALUES) {
            BpfInterpreter bpf = load(profile("SCMP_ACT_ERRNO", List.of(),
                    rule("SCMP_ACT_ALLOW", List.of("write"), arg(2, op, value))));
            for (long a : probes(value)) {
                int want = expected.test(a, value) ? ALLOW : EPERM;
                assertThat(bpf.run(X86_64, WRITE, 0, 0, a))
                        .as("0x%x %s 0x%x", a, op, value)
                        .isEqualTo(want);
            }
        }
    }

    @Test
    void maskedEqualTestsMaskedBitsOfBothWords() {
        long[][] masksAndData = {
            {0x7E02_0000L, 0},                                  // Docker's clone namespace flags
            {0xffL, 0x12L},
            {0xffff_ffff_0000_0000L, 0x1234_5678_0000_0000L},
            {-1L, 0xdead_beef_cafe_f00dL},
            {0x8000_0000_0000_0001L, 0x8000_0000_0000_0001L},
            {0xf0L, 0x1fL},                                     // datum bits outside the mask are dropped
        };
        for (long[] md : masksAndData) {
            long mask = md[0];
            long datum = md[1];
            BpfInterpreter bpf = load(profile("SCMP_ACT_ERRNO", List.of(),
                    rule("SCMP_ACT_ALLOW", List.of("write"), masked(0, mask, datum))));
            Set<Long> probes = probes(datum);
            probes.add(datum | ~mask);
            probes.add(datum & mask);
            probes.add((datum & mask) ^ Long.lowestOneBit(mask));
            for (long a : probes) {
                int want = (a & mask) == (datum & mask) ? ALLOW : EPERM;
                assertThat(bpf.run(X86_64, WRITE, a)).as("0x%x & 0x%x == 0x%x", a, mask, datum).isEqualTo(want);
            }
        }
    }

    @Test
    void argumentsOfOneRuleAreAnded() {
        BpfInterpreter bpf = load(profile("SCMP_ACT_ERRNO", List.of(),
                rule("SCMP_ACT_ALLOW", List.of("write"), arg(0, "EQ", 1), arg(2, "LT", 100), arg(5, "NE", -1L))));

        assertThat(bpf.run(X86_64, WRITE, 1, 0, 5, 0, 0, 0)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, WRITE, 2, 0, 5, 0, 0, 0)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, WRITE, 1, 0, 100, 0, 0, 0)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, WRITE, 1, 0, 5, 0, 0, -1L)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, WRITE, 1 | 1L << 32, 0, 5, 0, 0, 0)).isEqualTo(EPERM);
    }

    @Test
    void rulesForOneSyscallAreOredInOrder() {
        BpfInterpreter bpf = load(profile("SCMP_ACT_ERRNO", List.of(),
                rule("SCMP_ACT_ALLOW", List.of("write"), arg(0, "EQ", 1)),
                errno(5, List.of("write"), arg(0, "LT", 10)),
                rule("SCMP_ACT_KILL_PROCESS", List.of("write"), arg(1, "GT", 7))));

        assertThat(bpf.run(X86_64, WRITE, 1, 100)).isEqualTo(ALLOW); // first match wins
        assertThat(bpf.run(X86_64, WRITE, 2, 100)).isEqualTo(SeccompReturn.errno(5));
        assertThat(bpf.run(X86_64, WRITE, 20, 100)).isEqualTo(SeccompReturn.KILL_PROCESS);
        assertThat(bpf.run(X86_64, WRITE, 20, 7)).isEqualTo(EPERM);
    }

    @Test
    void twoConditionsOnOneArgumentBecomeAlternativesLikeRunc() {
        // runc's matchCall: "if two or more arguments have the same condition, revert to old
        // behavior, adding each condition as a separate rule"
        BpfInterpreter bpf = load(profile("SCMP_ACT_ERRNO", List.of(),
                rule("SCMP_ACT_ALLOW", List.of("write"), arg(0, "EQ", 1), arg(0, "EQ", 2))));

        assertThat(bpf.run(X86_64, WRITE, 1)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, WRITE, 2)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, WRITE, 3)).isEqualTo(EPERM);
    }

    @Test
    void unconditionalRuleWinsOverConditionalOnesWhateverTheOrder() {
        BpfInterpreter later = load(profile("SCMP_ACT_ERRNO", List.of(),
                rule("SCMP_ACT_KILL_PROCESS", List.of("write"), arg(0, "EQ", 1)),
                rule("SCMP_ACT_ALLOW", List.of("write")),
                rule("SCMP_ACT_TRAP", List.of("write"))));
        assertThat(later.run(X86_64, WRITE, 1)).isEqualTo(ALLOW);
        assertThat(later.run(X86_64, WRITE, 2)).isEqualTo(ALLOW);

        BpfInterpreter earlier = load(profile("SCMP_ACT_ERRNO", List.of(),
                rule("SCMP_ACT_ALLOW", List.of("write")),
                rule("SCMP_ACT_KILL_PROCESS", List.of("write"), arg(0, "EQ", 1))));
        assertThat(earlier.run(X86_64, WRITE, 1)).isEqualTo(ALLOW);
    }

    @Test
    void rulesWithTheDefaultActionAreDropped() {
        Linux.Seccomp withRedundant = profile("SCMP_ACT_ERRNO", List.of(),
                rule("SCMP_ACT_ERRNO", List.of("write"), arg(0, "EQ", 1)),
                rule("SCMP_ACT_ALLOW", List.of("write"), arg(1, "EQ", 2)));
        BpfInterpreter bpf = load(withRedundant);
        // dropped like runc does, so the allow rule decides even when both match
        assertThat(bpf.run(X86_64, WRITE, 1, 2)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, WRITE, 1, 3)).isEqualTo(EPERM);

        int with = TestProfiles.compile(withRedundant, Arch.X86_64).size();
        int without = TestProfiles.compile(profile("SCMP_ACT_ERRNO", List.of(),
                rule("SCMP_ACT_ALLOW", List.of("write"), arg(1, "EQ", 2))), Arch.X86_64).size();
        assertThat(with).isEqualTo(without);
    }

    @Test
    void thirtyTwoBitAbisCompareTheLowWordOnly() {
        // libseccomp sizes i386 as ARCH_SIZE_32: operands are cut to 32 bits
        BpfInterpreter bpf = load(profile("SCMP_ACT_ERRNO", List.of("SCMP_ARCH_X86"),
                rule("SCMP_ACT_ALLOW", List.of("personality"), arg(0, "EQ", 0xffff_ffffL)),
                rule("SCMP_ACT_ALLOW", List.of("write"), arg(0, "GT", 0x1_0000_0005L)),
                rule("SCMP_ACT_ALLOW", List.of("read"), masked(1, 0xff_0000_00ffL, 0x12L))));
        int personality = TestProfiles.nr(Arch.X86, "personality");

        assertThat(bpf.run(I386, personality, 0xffff_ffffL)).isEqualTo(ALLOW);
        assertThat(bpf.run(I386, personality, 0xffff_fffeL)).isEqualTo(EPERM);
        assertThat(bpf.run(I386, 4, 6)).isEqualTo(ALLOW); // write: 6 > 5
        assertThat(bpf.run(I386, 4, 5)).isEqualTo(EPERM);
        assertThat(bpf.run(I386, 3, 0, 0x3412L)).isEqualTo(ALLOW); // read
        assertThat(bpf.run(I386, 3, 0, 0x3413L)).isEqualTo(EPERM);
        // the same rules on x86_64 use all 64 bits
        assertThat(bpf.run(X86_64, 135, 0xffff_ffffL)).isEqualTo(ALLOW);
        assertThat(bpf.run(X86_64, 135, 0x1_ffff_ffffL)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, WRITE, 6)).isEqualTo(EPERM);
        assertThat(bpf.run(X86_64, WRITE, 0x1_0000_0006L)).isEqualTo(ALLOW);
    }
}
