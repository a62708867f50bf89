package dev.berth.runtime.plan;

import java.util.List;

/**
 * One step of a {@link LaunchPlan}, the unit that {@code berth-shim} executes (the op codes and
 * fields are those of {@code native/shim/PLAN.md}). Each step says in words what it does, so
 * that when the shim reports "step 12 failed with EPERM" the runtime can print
 * {@code mount proc on /proc: operation not permitted}.
 */
public sealed interface Step {
    /** Lower-case words for error messages, such as {@code mount proc on /proc}. */
    String description();

    /** Runs in the shim before clone. */
    record SetNs(String path, int nsType) implements Step {
        public String description() { return "join namespace " + path; }
    }

    /** Runs in the shim or the child, depending on where it stands relative to {@link Clone}. */
    record Unshare(int flags) implements Step {
        public String description() { return "unshare namespaces 0x" + Integer.toHexString(flags); }
    }

    record WriteFile(String path, byte[] data, String what) implements Step {
        public String description() { return what; }
    }

    record MkFifo(String path, int mode) implements Step {
        public String description() { return "create exec fifo " + path; }
    }

    record ConsoleSocket(String path) implements Step {
        public String description() { return "connect to console socket " + path; }
    }

    /** {@code flags} are those of PLAN.md's MONITOR row: {@link #SETSID}, {@link #HOLD_OUTPUT}, {@link #HOLD_INPUT}. */
    record Monitor(String exitFile, int flags) implements Step {
        public static final int SETSID = 1;
        /** Keep a read end of fifo stdout/stderr, so writers outlive their reader. */
        public static final int HOLD_OUTPUT = 2;
        /** Keep a write end of a fifo stdin, so its reader does not see an end when the writer goes. */
        public static final int HOLD_INPUT = 4;

        public String description() {
            String held = (flags & HOLD_INPUT) != 0 ? "its input and output fifos" : "its output fifos";
            return (flags & HOLD_OUTPUT) != 0
                    ? "become the container's monitor, holding " + held + " open"
                    : "become the container's monitor";
        }
    }

    record Clone(long flags) implements Step {
        public String description() { return "clone the container process"; }
    }

    record SetHostname(String name) implements Step {
        public String description() { return "set hostname " + name; }
    }

    record SetDomainname(String name) implements Step {
        public String description() { return "set domainname " + name; }
    }

    /** {@code mount(2)}; {@code what} names it for errors, e.g. {@code mount proc on /proc}. */
    record Mount(String source, String target, String fstype, long flags, String data, String what)
            implements Step {
        public String description() { return what; }
    }

    record MkDir(String path, int mode) implements Step {
        public String description() { return "create directory " + path; }
    }

    record MkFile(String path, int mode) implements Step {
        public String description() { return "create file " + path; }
    }

    record MkNod(String path, int mode, long dev, int uid, int gid) implements Step {
        public String description() { return "create device " + path; }
    }

    record Symlink(String target, String linkPath) implements Step {
        public String description() { return "create symlink " + linkPath + " -> " + target; }
    }

    record PivotRoot(String newRoot) implements Step {
        public String description() { return "pivot_root to " + newRoot; }
    }

    record Chroot(String newRoot) implements Step {
        public String description() { return "chroot to " + newRoot; }
    }

    record Mask(String path) implements Step {
        public String description() { return "mask " + path; }
    }

    record ReadOnly(String path) implements Step {
        public String description() { return "make " + path + " read-only"; }
    }

    record Remount(String target, long flags, String what) implements Step {
        public String description() { return what; }
    }

    record SetRlimit(int resource, long soft, long hard, String name) implements Step {
        public String description() { return "set " + name + " to " + soft + ":" + hard; }
    }

    record NoNewPrivs() implements Step {
        public String description() { return "set no_new_privs"; }
    }

    record Personality(int persona) implements Step {
        public String description() { return "set personality 0x" + Integer.toHexString(persona); }
    }

    record Umask(int mask) implements Step {
        public String description() { return "set umask " + Integer.toOctalString(mask); }
    }

    record KeepCaps(boolean on) implements Step {
        public String description() { return "set keepcaps"; }
    }

    record CapBset(long keep, int lastCap) implements Step {
        public String description() { return "drop bounding capabilities"; }
    }

    record SetGroups(List<Integer> gids) implements Step {
        public String description() { return "set additional groups " + gids; }
    }

    record SetGid(int gid) implements Step {
        public String description() { return "set gid " + Integer.toUnsignedString(gid); }
    }

    record SetUid(int uid) implements Step {
        public String description() { return "set uid " + Integer.toUnsignedString(uid); }
    }

    record CapSet(long effective, long permitted, long inheritable) implements Step {
        public String description() { return "set capabilities"; }
    }

    record Ambient(long raise) implements Step {
        public String description() { return "raise ambient capabilities"; }
    }

    record Seccomp(int flags, byte[] program) implements Step {
        public String description() { return "load seccomp filter"; }
    }

    record Chdir(String path) implements Step {
        public String description() { return "change to working directory " + path; }
    }

    record SetSid() implements Step {
        public String description() { return "start a new session"; }
    }

    record Terminal(int rows, int cols, int uid, int gid) implements Step {
        public String description() { return "set up the console"; }
    }

    /** A hook run by the container process itself (createContainer, startContainer). */
    record Hook(String path, List<String> args, List<String> env, int timeoutSeconds, int state,
            String what) implements Step {
        public String description() { return what; }
    }

    record OpenFifo(String path) implements Step {
        public String description() { return "open exec fifo " + path; }
    }

    record Ready() implements Step {
        public String description() { return "report ready"; }
    }

    record WaitFifo() implements Step {
        public String description() { return "wait on exec fifo"; }
    }

    record CloseFds(int first) implements Step {
        public String description() { return "close inherited file descriptors"; }
    }

    record Exec(String path, List<String> argv, List<String> envp) implements Step {
        public String description() { return "exec " + path; }
    }
}
