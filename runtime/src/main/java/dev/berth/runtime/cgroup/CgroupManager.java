package dev.berth.runtime.cgroup;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.Signals;
import dev.berth.oci.runtime.Linux;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One container's cgroup, in whatever hierarchies the host has. A manager is cheap and does no
 * I/O until asked: {@link CgroupLayout#manager} hands one out for any path, existing or not.
 *
 * <p>The lifecycle is the container's: {@link #create} makes the directories and applies the
 * spec's {@code linux.resources} before any process joins (some limits, such as real-time CPU
 * time and v1 cpusets, cannot be set once tasks are inside); {@link #add} places the container's
 * processes at sync point 1; {@link #update} changes limits while it runs; {@link #freeze} and
 * {@link #thaw} implement pause and resume; {@link #kill} and {@link #destroy} end it.
 *
 * <p>A resource field that is {@code null} is left as it is, so {@code update} with a partial
 * {@link Linux.Resources} changes only what it names. A limit the host cannot grant (a controller
 * it lacks, a value the kernel refuses) is a {@link CgroupException} naming the limit, the file
 * and the reason; nothing is silently dropped, except what runc also ignores (kernel memory
 * limits), which is logged.
 */
public interface CgroupManager {

    /** The cgroup's path inside each hierarchy, such as {@code /berth/abc}. */
    String path();

    /** The cgroup's directory in each hierarchy it lives in, keyed by hierarchy name ("" for pure v2). */
    Map<String, Path> dirs();

    /** True if the cgroup's directory exists (in the hierarchy used for processes). */
    boolean exists();

    /**
     * Creates the directories in every hierarchy and applies {@code resources} (null for none).
     * On failure, removes the directories it made and throws.
     */
    void create(Linux.Resources resources) throws CgroupException;

    /** Applies the non-null parts of {@code resources} to the existing cgroup. */
    void update(Linux.Resources resources) throws CgroupException;

    /** Moves a process (and, for a thread-group leader, all its threads) into the cgroup. */
    void add(int pid) throws CgroupException;

    /** The processes in the cgroup; empty if it does not exist. */
    List<Integer> pids() throws CgroupException;

    /** Freezes every process and returns once the kernel reports the cgroup frozen. */
    void freeze() throws CgroupException;

    /** Lets frozen processes run again. */
    void thaw() throws CgroupException;

    /** True if the cgroup itself is frozen (not merely an ancestor); false if it is gone. */
    boolean frozen();

    /** True if this host can freeze the cgroup (v1 needs the freezer hierarchy). */
    boolean canFreeze();

    /**
     * Sends {@code signal} to every process in the cgroup (none if it does not exist). The cgroup is frozen while the pids
     * are read and signalled, so a process that forks meanwhile cannot escape; a cgroup that was
     * frozen stays frozen, except after SIGKILL, which is thawed so that the processes can die.
     */
    default void kill(int signal) throws CgroupException {
        // An empty cgroup has nobody to signal and nobody who could fork into it: skipping the
        // freeze round trip saves milliseconds on every delete of an exited container.
        if (!exists() || pids().isEmpty()) {
            return;
        }
        boolean wasFrozen = frozen();
        boolean freeze = canFreeze() && !wasFrozen;
        if (freeze) {
            freeze();
        }
        try {
            for (int pid : pids()) {
                try {
                    Signals.kill(pid, signal);
                } catch (ErrnoException e) {
                    if (e.errno() != ErrnoException.ESRCH) {
                        throw new CgroupException("kill " + pid + " in cgroup " + path() + " with signal "
                                + Signals.name(signal) + ": " + e.getMessage(), e);
                    }
                }
            }
        } finally {
            if (freeze || (wasFrozen && signal == Signals.SIGKILL)) {
                thaw();
            }
        }
    }

    /** Removes the cgroup's directories; its processes must be gone. A cgroup already gone is fine. */
    void destroy() throws CgroupException;

    /**
     * Removes the directories if no process and no child cgroup uses them, as for a parent that
     * several containers share. True if they are gone.
     */
    boolean removeIfUnused() throws CgroupException;

    /** The controllers' counters. */
    CgroupStats stats() throws CgroupException;

    /**
     * How many processes the OOM killer has killed in this cgroup ({@code memory.oom_control}'s
     * {@code oom_kill} on v1, {@code memory.events}' on v2); 0 if the cgroup is gone.
     */
    long oomKills() throws CgroupException;
}
