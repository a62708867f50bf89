package dev.berth.runtime.container;

import dev.berth.linux.Signals;
import dev.berth.oci.runtime.Linux;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.cgroup.CgroupLayout;
import dev.berth.runtime.cgroup.CgroupManager;
import dev.berth.runtime.cgroup.CgroupStats;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Logger;

/**
 * A container's cgroup as the lifecycle verbs use it: join, freeze, signal, measure, remove.
 * It adds to the {@link CgroupManager} what is the container's business rather than the
 * kernel's: the shared {@code /berth} parent goes once its last container is gone, and a failed
 * create can tear everything down without throwing.
 */
public final class Cgroup {
    private static final Logger LOG = Logger.getLogger(Cgroup.class.getName());
    private static final long EMPTY_WAIT_MILLIS = 5_000;

    private final CgroupManager manager;
    private final CgroupLayout layout;

    Cgroup(CgroupManager manager, CgroupLayout layout) {
        this.manager = manager;
        this.layout = layout;
    }

    public String path() {
        return manager.path();
    }

    /** Places a process (at sync point 1, before it runs anything of the container's). */
    public void add(int pid) throws RuntimeFailure {
        manager.add(pid);
    }

    /** True if the container is paused; false if its cgroup is gone. */
    public boolean frozen() {
        return manager.frozen();
    }

    /** The container's processes; empty once its cgroup is gone. */
    public List<Integer> pids() throws RuntimeFailure {
        return manager.pids();
    }

    public void freeze() throws RuntimeFailure {
        manager.freeze();
    }

    public void thaw() throws RuntimeFailure {
        manager.thaw();
    }

    /** Signals every process in the cgroup; after SIGKILL a paused container is thawed so that it dies. */
    public void killAll(int signal) throws RuntimeFailure {
        manager.kill(signal);
    }

    public void update(Linux.Resources r) throws RuntimeFailure {
        manager.update(r);
    }

    public CgroupStats stats() throws RuntimeFailure {
        return manager.stats();
    }

    /**
     * The cgroup's directory in each hierarchy, keyed by hierarchy name ("" for pure v2): where
     * a watcher registers for the memory controller's notifications.
     */
    public java.util.Map<String, Path> dirs() {
        return manager.dirs();
    }

    /** Processes killed by the OOM killer in this cgroup so far. */
    public long oomKills() throws RuntimeFailure {
        return manager.oomKills();
    }

    /**
     * Removes the cgroup's directories, and the default {@code /berth} parent if no other
     * container uses it. Another container may be creating its own cgroup under {@code /berth}
     * at the same moment: the kernel refuses to remove a parent with children, and the creator
     * makes a parent again if ours vanished under it, so neither side needs a lock.
     */
    public void destroy() throws RuntimeFailure {
        manager.destroy();
        Path parent = Path.of(manager.path()).getParent();
        if (parent != null && parent.toString().equals(CgroupSetup.DEFAULT_PARENT)) {
            layout.manager(CgroupSetup.DEFAULT_PARENT).removeIfUnused();
        }
    }

    /**
     * Tears the cgroup down after a failure, never throwing: SIGKILL to whatever is left, a thaw
     * so that frozen processes can die, a wait for them to leave, then {@link #destroy}.
     */
    public void destroyQuietly() {
        try {
            if (manager.exists()) {
                manager.kill(Signals.SIGKILL);
                if (manager.frozen()) {
                    manager.thaw();
                }
                long deadline = System.nanoTime() + EMPTY_WAIT_MILLIS * 1_000_000;
                while (!manager.pids().isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
            }
            destroy();
        } catch (RuntimeFailure e) {
            LOG.warning("remove cgroup " + manager.path() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warning("remove cgroup " + manager.path() + ": interrupted");
        } catch (RuntimeException e) {
            LOG.warning("remove cgroup " + manager.path() + ": " + e);
        }
    }
}
