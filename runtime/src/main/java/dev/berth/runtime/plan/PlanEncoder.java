package dev.berth.runtime.plan;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a {@link LaunchPlan} in the binary form that {@code berth-shim} decodes
 * ({@code native/shim/PLAN.md}): a header, then one {@code op | reserved | length | payload}
 * record per step, little-endian throughout. Strings must not contain NUL: the shim hands them
 * to the kernel as C strings, so a NUL would silently cut a path short.
 */
public final class PlanEncoder {
    static final int MAGIC = 0x50525442;
    static final int VERSION = 1;

    private PlanEncoder() {}

    public static byte[] encode(LaunchPlan plan) {
        Out out = new Out();
        out.u32(MAGIC).u32(VERSION).u32(plan.steps().size());
        for (Step step : plan.steps()) {
            Out p = new Out();
            int op = payload(step, p);
            out.u16(op).u16(0).u32(p.size()).raw(p.toByteArray());
        }
        return out.toByteArray();
    }

    /** Writes the step's fields into {@code p} and returns its op code. */
    private static int payload(Step step, Out p) {
        return switch (step) {
            case Step.SetNs s -> { p.str(s.path()).u32(s.nsType()); yield 1; }
            case Step.Unshare s -> { p.u32(s.flags()); yield 2; }
            case Step.WriteFile s -> { p.str(s.path()).bytes(s.data()); yield 3; }
            case Step.MkFifo s -> { p.str(s.path()).u32(s.mode()); yield 4; }
            case Step.ConsoleSocket s -> { p.str(s.path()); yield 5; }
            case Step.Monitor s -> { p.str(s.exitFile()).u32(s.flags()); yield 6; }
            case Step.Clone s -> { p.u64(s.flags()); yield 7; }
            case Step.SetHostname s -> { p.str(s.name()); yield 20; }
            case Step.SetDomainname s -> { p.str(s.name()); yield 21; }
            case Step.Mount s -> {
                p.str(s.source()).str(s.target()).str(s.fstype()).u64(s.flags()).str(s.data());
                yield 22;
            }
            case Step.MkDir s -> { p.str(s.path()).u32(s.mode()); yield 23; }
            case Step.MkFile s -> { p.str(s.path()).u32(s.mode()); yield 24; }
            case Step.MkNod s -> { p.str(s.path()).u32(s.mode()).u64(s.dev()).u32(s.uid()).u32(s.gid()); yield 25; }
            case Step.Symlink s -> { p.str(s.target()).str(s.linkPath()); yield 26; }
            case Step.PivotRoot s -> { p.str(s.newRoot()); yield 27; }
            case Step.Chroot s -> { p.str(s.newRoot()); yield 28; }
            case Step.Mask s -> { p.str(s.path()); yield 29; }
            case Step.ReadOnly s -> { p.str(s.path()); yield 30; }
            case Step.Remount s -> { p.str(s.target()).u64(s.flags()); yield 31; }
            case Step.SetRlimit s -> { p.u32(s.resource()).u64(s.soft()).u64(s.hard()); yield 32; }
            case Step.NoNewPrivs s -> 33;
            case Step.Personality s -> { p.u32(s.persona()); yield 34; }
            case Step.Umask s -> { p.u32(s.mask()); yield 35; }
            case Step.KeepCaps s -> { p.u32(s.on() ? 1 : 0); yield 36; }
            case Step.CapBset s -> { p.u64(s.keep()).u32(s.lastCap()); yield 37; }
            case Step.SetGroups s -> {
                p.u32(s.gids().size());
                s.gids().forEach(p::u32);
                yield 38;
            }
            case Step.SetGid s -> { p.u32(s.gid()); yield 39; }
            case Step.SetUid s -> { p.u32(s.uid()); yield 40; }
            case Step.CapSet s -> { p.u64(s.effective()).u64(s.permitted()).u64(s.inheritable()); yield 41; }
            case Step.Ambient s -> { p.u64(s.raise()); yield 42; }
            case Step.Seccomp s -> { p.u32(s.flags()).bytes(s.program()); yield 43; }
            case Step.Chdir s -> { p.str(s.path()); yield 44; }
            case Step.SetSid s -> 45;
            case Step.Terminal s -> { p.u16(s.rows()).u16(s.cols()).u32(s.uid()).u32(s.gid()); yield 46; }
            case Step.Hook s -> {
                p.str(s.path()).strv(s.args()).strv(s.env()).u32(s.timeoutSeconds()).u32(s.state());
                yield 47;
            }
            case Step.OpenFifo s -> { p.str(s.path()); yield 48; }
            case Step.Ready s -> 49;
            case Step.WaitFifo s -> 50;
            case Step.CloseFds s -> { p.u32(s.first()); yield 51; }
            case Step.Exec s -> { p.str(s.path()).strv(s.argv()).strv(s.envp()); yield 52; }
        };
    }

    /** A little-endian byte sink. */
    static final class Out extends ByteArrayOutputStream {
        Out u16(int v) {
            write(v);
            write(v >>> 8);
            return this;
        }

        Out u32(int v) {
            for (int i = 0; i < 32; i += 8) {
                write(v >>> i);
            }
            return this;
        }

        Out u64(long v) {
            for (int i = 0; i < 64; i += 8) {
                write((int) (v >>> i));
            }
            return this;
        }

        Out bytes(byte[] b) {
            u32(b.length);
            return raw(b);
        }

        Out raw(byte[] b) {
            write(b, 0, b.length);
            return this;
        }

        Out str(String s) {
            byte[] b = (s == null ? "" : s).getBytes(StandardCharsets.UTF_8);
            for (byte x : b) {
                if (x == 0) {
                    throw new IllegalArgumentException("string contains a NUL byte: " + s.replace('\0', '?'));
                }
            }
            return bytes(b);
        }

        Out strv(List<String> v) {
            u32(v.size());
            v.forEach(this::str);
            return this;
        }
    }
}
