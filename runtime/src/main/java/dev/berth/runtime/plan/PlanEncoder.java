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
        // An instanceof chain, not a pattern switch: a switch over 45 record types is
        // bootstrapped through method handles on first use, ~25 ms of every cold container start.
        if (step instanceof Step.SetNs s) {
            p.str(s.path()).u32(s.nsType());
            return 1;
        }
        if (step instanceof Step.Unshare s) {
            p.u32(s.flags());
            return 2;
        }
        if (step instanceof Step.WriteFile s) {
            p.str(s.path()).bytes(s.data());
            return 3;
        }
        if (step instanceof Step.MkFifo s) {
            p.str(s.path()).u32(s.mode());
            return 4;
        }
        if (step instanceof Step.ConsoleSocket s) {
            p.str(s.path());
            return 5;
        }
        if (step instanceof Step.Monitor s) {
            p.str(s.exitFile()).u32(s.flags());
            return 6;
        }
        if (step instanceof Step.Clone s) {
            p.u64(s.flags());
            return 7;
        }
        if (step instanceof Step.SetHostname s) {
            p.str(s.name());
            return 20;
        }
        if (step instanceof Step.SetDomainname s) {
            p.str(s.name());
            return 21;
        }
        if (step instanceof Step.Mount s) {
            p.str(s.source()).str(s.target()).str(s.fstype()).u64(s.flags()).str(s.data());
            return 22;
        }
        if (step instanceof Step.MkDir s) {
            p.str(s.path()).u32(s.mode());
            return 23;
        }
        if (step instanceof Step.MkFile s) {
            p.str(s.path()).u32(s.mode());
            return 24;
        }
        if (step instanceof Step.MkNod s) {
            p.str(s.path()).u32(s.mode()).u64(s.dev()).u32(s.uid()).u32(s.gid());
            return 25;
        }
        if (step instanceof Step.Symlink s) {
            p.str(s.target()).str(s.linkPath());
            return 26;
        }
        if (step instanceof Step.PivotRoot s) {
            p.str(s.newRoot());
            return 27;
        }
        if (step instanceof Step.Chroot s) {
            p.str(s.newRoot());
            return 28;
        }
        if (step instanceof Step.Mask s) {
            p.str(s.path());
            return 29;
        }
        if (step instanceof Step.ReadOnly s) {
            p.str(s.path());
            return 30;
        }
        if (step instanceof Step.Remount s) {
            p.str(s.target()).u64(s.flags());
            return 31;
        }
        if (step instanceof Step.SetRlimit s) {
            p.u32(s.resource()).u64(s.soft()).u64(s.hard());
            return 32;
        }
        if (step instanceof Step.NoNewPrivs) {
            return 33;
        }
        if (step instanceof Step.Personality s) {
            p.u32(s.persona());
            return 34;
        }
        if (step instanceof Step.Umask s) {
            p.u32(s.mask());
            return 35;
        }
        if (step instanceof Step.KeepCaps s) {
            p.u32(s.on() ? 1 : 0);
            return 36;
        }
        if (step instanceof Step.CapBset s) {
            p.u64(s.keep()).u32(s.lastCap());
            return 37;
        }
        if (step instanceof Step.SetGroups s) {
            p.u32(s.gids().size());
            s.gids().forEach(p::u32);
            return 38;
        }
        if (step instanceof Step.SetGid s) {
            p.u32(s.gid());
            return 39;
        }
        if (step instanceof Step.SetUid s) {
            p.u32(s.uid());
            return 40;
        }
        if (step instanceof Step.CapSet s) {
            p.u64(s.effective()).u64(s.permitted()).u64(s.inheritable());
            return 41;
        }
        if (step instanceof Step.Ambient s) {
            p.u64(s.raise());
            return 42;
        }
        if (step instanceof Step.Seccomp s) {
            p.u32(s.flags()).bytes(s.program());
            return 43;
        }
        if (step instanceof Step.Chdir s) {
            p.str(s.path());
            return 44;
        }
        if (step instanceof Step.SetSid) {
            return 45;
        }
        if (step instanceof Step.Terminal s) {
            p.u16(s.rows()).u16(s.cols()).u32(s.uid()).u32(s.gid());
            return 46;
        }
        if (step instanceof Step.Hook s) {
            p.str(s.path()).strv(s.args()).strv(s.env()).u32(s.timeoutSeconds()).u32(s.state());
            return 47;
        }
        if (step instanceof Step.OpenFifo s) {
            p.str(s.path());
            return 48;
        }
        if (step instanceof Step.Ready) {
            return 49;
        }
        if (step instanceof Step.WaitFifo) {
            return 50;
        }
        if (step instanceof Step.CloseFds s) {
            p.u32(s.first());
            return 51;
        }
        if (step instanceof Step.Exec s) {
            p.str(s.path()).strv(s.argv()).strv(s.envp());
            return 52;
        }
        throw new IllegalArgumentException("no encoding for " + step);
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
