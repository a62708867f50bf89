package dev.berth.runtime.container;

import dev.berth.linux.Signals;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.shim.ShimException;
import dev.berth.runtime.shim.ShimProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code run}: create and start in one, in the foreground. The shim stays as the container's
 * monitor: it owns the terminal if there is one, forwards signals, and reports the exit status,
 * which becomes this command's exit code (128 + n for a death by signal n). The container is
 * deleted when it ends, as runc does without {@code --keep}.
 */
public final class Run {
    /** Signals the runtime forwards itself; the terminal's own (INT, QUIT) reach the shim directly. */
    private static final List<String> FORWARDED = List.of("TERM", "HUP", "USR1", "USR2");

    private final RuntimeContext ctx;

    public Run(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    public int run(Create.Options o, boolean keep) throws RuntimeFailure, IOException {
        Create.Created created = new Create(ctx).createParsed(
                new Create.Options(o.id(), o.bundle(), o.pidFile(), o.consoleSocket(), o.noPivot(),
                        o.preserveFds(), true, false, o.holdOutput()));
        Launch.Started started = created.launch();
        ShimProcess shim = started.shim();
        for (String name : FORWARDED) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), s -> {
                    try {
                        shim.signal(s.getNumber());
                    } catch (IOException e) {
                        // the shim is gone; the exit status is on its way
                    }
                });
            } catch (IllegalArgumentException e) {
                // the JVM reserves this signal here; it is not forwarded
            }
        }
        int status;
        try {
            Spec spec = created.spec();
            if (spec.hooks() != null) {
                Hooks.runLogged("poststart", spec.hooks().poststart(),
                        Hooks.state(spec, o.id(), "running", started.pid(), o.bundle().toAbsolutePath()));
            }
            status = shim.awaitExit();
            dev.berth.runtime.StartTrace.mark("container ran");
        } catch (ShimException e) {
            cleanUp(o.id(), keep);
            throw new RuntimeFailure(e.detail().isEmpty() ? "exec: " + dev.berth.linux.Errno.describe(e.errno())
                    : e.detail(), e);
        } catch (IOException e) {
            status = fallbackStatus(shim);
        } finally {
            shim.close();
        }
        cleanUp(o.id(), keep);
        dev.berth.runtime.StartTrace.mark("delete");
        return exitCode(status);
    }

    private void cleanUp(String id, boolean keep) throws RuntimeFailure, IOException {
        if (!keep) {
            new Delete(ctx).delete(id, true);
        }
    }

    /** The shim exits with the container's code when it cannot send EXIT. */
    private static int fallbackStatus(ShimProcess shim) {
        try {
            return shim.process().waitFor() << 8;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Signals.SIGKILL;
        }
    }

    /** A wait status as a shell reports it: the exit code, or 128 + the signal. */
    static int exitCode(int status) {
        int sig = status & 0x7f;
        return sig == 0 ? (status >> 8) & 0xff : 128 + sig;
    }

    static Path abs(Path p) {
        return p == null ? null : p.toAbsolutePath();
    }
}
