package dev.berth.runtime.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanEncoderTest {
    @Test
    void headerAndStepsAreLittleEndianWithExactPayloadLengths() {
        LaunchPlan plan = new LaunchPlan(List.of(
                new Step.Clone(0x20000000L),
                new Step.SetHostname("box"),
                new Step.Exec("/bin/sh", List.of("sh", "-c", "true"), List.of("A=1"))));
        ByteBuffer b = ByteBuffer.wrap(PlanEncoder.encode(plan)).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b.getInt()).isEqualTo(0x50525442);
        assertThat(b.getInt()).isEqualTo(1);
        assertThat(b.getInt()).isEqualTo(3);

        assertThat(b.getShort()).isEqualTo((short) 7);
        assertThat(b.getShort()).isZero();
        assertThat(b.getInt()).isEqualTo(8);
        assertThat(b.getLong()).isEqualTo(0x20000000L);

        assertThat(b.getShort()).isEqualTo((short) 20);
        b.getShort();
        assertThat(b.getInt()).isEqualTo(4 + 3);
        assertThat(b.getInt()).isEqualTo(3);
        byte[] name = new byte[3];
        b.get(name);
        assertThat(new String(name)).isEqualTo("box");

        assertThat(b.getShort()).isEqualTo((short) 52);
        b.getShort();
        int len = b.getInt();
        assertThat(len).isEqualTo((4 + 7) + (4 + (4 + 2) + (4 + 2) + (4 + 4)) + (4 + (4 + 3)));
        b.position(b.position() + len);
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    void monitorCarriesItsFlagsAsPlanMdNumbersThem() {
        ByteBuffer b = ByteBuffer.wrap(PlanEncoder.encode(new LaunchPlan(List.of(
                new Step.Monitor("/e", Step.Monitor.SETSID | Step.Monitor.HOLD_OUTPUT)))))
                .order(ByteOrder.LITTLE_ENDIAN);
        b.position(12);
        assertThat(b.getShort()).isEqualTo((short) 6);
        b.getShort();
        assertThat(b.getInt()).isEqualTo((4 + 2) + 4);
        assertThat(b.getInt()).isEqualTo(2);
        b.position(b.position() + 2);
        assertThat(b.getInt()).isEqualTo(0b11); // MONITOR_SETSID | MONITOR_HOLD_OUTPUT in plan.h
        assertThat(b.hasRemaining()).isFalse();
    }

    @Test
    void refusesStringsWithNul() {
        LaunchPlan plan = new LaunchPlan(List.of(new Step.Chdir("/a\0b")));
        assertThatThrownBy(() -> PlanEncoder.encode(plan))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NUL");
    }

    @Test
    void everyStepTypeEncodesWithADistinctOp() {
        List<Step> all = List.of(new Step.SetNs("/x", 1), new Step.Unshare(2), new Step.WriteFile("/p", new byte[] {1}, "w"),
                new Step.MkFifo("/f", 0622), new Step.ConsoleSocket("/s"), new Step.Monitor("/e", 0), new Step.Clone(0),
                new Step.SetHostname("h"), new Step.SetDomainname("d"), new Step.Mount("a", "b", "c", 1, "d", "m"),
                new Step.MkDir("/d", 0755), new Step.MkFile("/f", 0644), new Step.MkNod("/n", 020666, 259, 0, 0),
                new Step.Symlink("t", "l"), new Step.PivotRoot("/r"), new Step.Chroot("/r"), new Step.Mask("/m"),
                new Step.ReadOnly("/r"), new Step.Remount("/", 1, "r"), new Step.SetRlimit(7, 1, 2, "RLIMIT_NOFILE"),
                new Step.NoNewPrivs(), new Step.Personality(8), new Step.Umask(022), new Step.KeepCaps(true),
                new Step.CapBset(1, 40), new Step.SetGroups(List.of(1, 2)), new Step.SetGid(1), new Step.SetUid(1),
                new Step.CapSet(1, 2, 3), new Step.Ambient(1), new Step.Seccomp(0, new byte[8]), new Step.Chdir("/"),
                new Step.SetSid(), new Step.Terminal(24, 80, 0, 0),
                new Step.Hook("/h", List.of("h"), List.of(), 1, 0, "hook"), new Step.OpenFifo("/f"), new Step.Ready(),
                new Step.WaitFifo(), new Step.CloseFds(3), new Step.Exec("sh", List.of("sh"), List.of()));
        // The encoder tests types one by one (no exhaustive switch): every kind of step is here.
        assertThat(all.stream().map(Object::getClass).toList())
                .containsExactlyInAnyOrder(Step.class.getPermittedSubclasses());
        ByteBuffer b = ByteBuffer.wrap(PlanEncoder.encode(new LaunchPlan(all))).order(ByteOrder.LITTLE_ENDIAN);
        b.position(12);
        java.util.Set<Integer> ops = new java.util.HashSet<>();
        for (int i = 0; i < all.size(); i++) {
            ops.add((int) b.getShort());
            b.getShort();
            int length = b.getInt();
            b.position(b.position() + length);
        }
        assertThat(ops).hasSize(all.size());
        assertThat(b.hasRemaining()).isFalse();
    }
}
