package dev.berth.runtime.plan;

import dev.berth.oci.runtime.Spec;
import java.nio.file.Path;
import java.util.List;

/**
 * Everything a plan is made from: the validated spec, where its root filesystem is, and how
 * the caller wants the process started.
 *
 * @param execFifo     create mode: the fifo the process waits on until {@code start}; null to
 *                     exec at once
 * @param exitFile     monitor mode: where the shim records the exit status; null for detached
 * @param holdOutput   monitor mode: the shim keeps a read end of its stdout and stderr open
 *                     when they are fifos, so that the process can go on writing while the
 *                     reader (a daemon that restarts) is away, and leaves its caller's session;
 *                     ignored when detached
 * @param holdInput    with {@code holdOutput}: the shim also keeps a write end of its stdin open
 *                     when it is a fifo, so that the process does not read an end of input
 *                     while the writer (a daemon that restarts) is away
 * @param consoleSocket where to send the pty master, for {@code terminal: true}; null to let the
 *                     monitor own the terminal
 * @param seccomp      the compiled filter, or null for none
 * @param cgroupMounts the container's cgroup directories, for {@code cgroup} mounts
 */
public record PlanRequest(
        Spec spec,
        Path rootfs,
        Path execFifo,
        Path exitFile,
        boolean holdOutput,
        Path consoleSocket,
        boolean noPivot,
        int preserveFds,
        byte[] seccomp,
        int seccompFlags,
        List<CgroupMount> cgroupMounts,
        boolean holdInput) {

    /** A request whose stdin is not held (see {@code holdInput}). */
    public PlanRequest(Spec spec, Path rootfs, Path execFifo, Path exitFile, boolean holdOutput, Path consoleSocket,
            boolean noPivot, int preserveFds, byte[] seccomp, int seccompFlags, List<CgroupMount> cgroupMounts) {
        this(spec, rootfs, execFifo, exitFile, holdOutput, consoleSocket, noPivot, preserveFds, seccomp, seccompFlags,
                cgroupMounts, false);
    }

    /** One cgroup hierarchy as the container should see it under {@code /sys/fs/cgroup}. */
    public record CgroupMount(String name, Path hostDir, String fstype, String options) {}
}
