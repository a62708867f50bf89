package dev.berth.runtime.container;

import dev.berth.linux.Errno;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.plan.LaunchPlan;
import dev.berth.runtime.plan.PlanEncoder;
import dev.berth.runtime.shim.ShimException;
import dev.berth.runtime.shim.ShimProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Drives one plan through the shim up to the point where the process is set up: spawn, send the
 * plan, learn the pid, let the caller act at sync point 1 (cgroups, id maps, runtime hooks), let
 * the child go, and wait until it is ready. Shim errors come back as one line built from the
 * failing step's description.
 */
final class Launch {
    /** What the caller does while the new process waits at sync point 1. */
    interface AtSyncPoint {
        /** Returns the state strings for hooks that the child runs itself. */
        List<String> run(int pid) throws RuntimeFailure, IOException;
    }

    private Launch() {}

    /**
     * Returns the running shim (ready, and in monitor mode still attached) and the pid. On any
     * failure the shim and its child are gone when this throws.
     */
    static Started start(RuntimeContext ctx, LaunchPlan plan, Path socket, AtSyncPoint sync,
            ProcessBuilder.Redirect stdin, ProcessBuilder.Redirect stdout, ProcessBuilder.Redirect stderr)
            throws RuntimeFailure, IOException {
        if (!java.nio.file.Files.isExecutable(ctx.shim())) {
            throw new RuntimeFailure("berth-shim: " + ctx.shim() + " is missing or not executable (run scripts/build)");
        }
        ShimProcess shim;
        try {
            shim = ShimProcess.spawn(ctx.shim(), socket, stdin, stdout, stderr);
        } catch (IOException e) {
            throw new RuntimeFailure("start berth-shim " + ctx.shim() + ": " + e.getMessage(), e);
        }
        dev.berth.runtime.StartTrace.mark("spawn shim");
        int pid = -1;
        try {
            shim.sendPlan(PlanEncoder.encode(plan));
            pid = shim.awaitPid();
            dev.berth.runtime.StartTrace.mark("clone");
            shim.go(sync.run(pid));
            dev.berth.runtime.StartTrace.mark("sync point");
            shim.awaitReady();
            return new Started(shim, pid);
        } catch (ShimException e) {
            abandon(shim);
            throw new RuntimeFailure(message(plan, e), e);
        } catch (RuntimeFailure | IOException | java.lang.RuntimeException e) {
            abandon(shim);
            throw e;
        }
    }

    /** {@code <step description>: <strerror>[: detail]}. */
    static String message(LaunchPlan plan, ShimException e) {
        String what = e.step() < 0 || e.step() == 0xFFFFFFFF ? "launch plan" : plan.describe(e.step());
        String why = Errno.describe(e.errno());
        return what + ": " + (e.detail().isEmpty() ? why : e.detail());
    }

    /** Closing the socket makes the shim kill and reap its child, then exit. */
    private static void abandon(ShimProcess shim) {
        try {
            shim.close();
        } catch (IOException ignored) {
            // the shim is being discarded
        }
        try {
            if (!shim.process().waitFor(2, java.util.concurrent.TimeUnit.SECONDS)) {
                shim.process().destroyForcibly().waitFor();
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** A launched process: its shim (exited in detached mode) and its pid. */
    record Started(ShimProcess shim, int pid) {}
}
