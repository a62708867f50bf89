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
        List<CgroupMount> cgroupMounts) {

    /** One cgroup hierarchy as the container should see it under {@code /sys/fs/cgroup}. */
    public record CgroupMount(String name, Path hostDir, String fstype, String options) {}
}
