package dev.berth.runtime.container;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.Signals;
import dev.berth.runtime.RuntimeFailure;
import java.io.IOException;

/**
 * {@code kill}: sends a signal to the container's init, or with {@code all} to every process in
 * its cgroup. A frozen cgroup is thawed after a SIGKILL so that the processes can die.
 */
public final class Kill {
    private final RuntimeContext ctx;

    public Kill(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    public void kill(String id, int signal, boolean all) throws RuntimeFailure, IOException {
        Container c = Container.load(ctx, id);
        if (c.status() == Status.STOPPED) {
            throw new RuntimeFailure("container not running");
        }
        try {
            if (all) {
                for (int pid : c.cgroup().pids()) {
                    signalQuietly(pid, signal);
                }
            } else {
                Signals.kill(c.pid(), signal);
            }
        } catch (ErrnoException e) {
            throw new RuntimeFailure("kill container " + id + " with signal " + Signals.name(signal) + ": "
                    + e.getMessage().substring(e.getMessage().indexOf(':') + 2), e);
        }
        if (c.status() == Status.PAUSED && signal == Signals.SIGKILL) {
            c.cgroup().thaw();
        }
    }

    static void signalQuietly(int pid, int signal) {
        try {
            Signals.kill(pid, signal);
        } catch (ErrnoException e) {
            // the process ended meanwhile
        }
    }
}
