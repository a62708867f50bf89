package dev.berth.runtime.container;

import dev.berth.oci.runtime.OciJson;
import dev.berth.oci.runtime.Spec;
import dev.berth.oci.runtime.State;
import dev.berth.runtime.RuntimeFailure;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Runs the hooks that execute in the runtime's namespaces (prestart, createRuntime, poststart,
 * poststop) with the container's state on stdin, as config.md "POSIX-platform Hooks" requires.
 * Hooks that run inside the container (createContainer, startContainer) are plan steps instead.
 */
final class Hooks {
    private static final Logger LOG = Logger.getLogger(Hooks.class.getName());

    private Hooks() {}

    static String state(Spec spec, String id, String status, int pid, Path bundle) {
        State s = new State(spec.ociVersion(), id, State.Status.valueOf(status.toUpperCase(java.util.Locale.ROOT)),
                pid, bundle.toString(), spec.annotations());
        return new String(OciJson.writeState(s), StandardCharsets.UTF_8);
    }

    /** Runs each hook in order; the first failure stops the list and is thrown. */
    static void run(String phase, List<Spec.Hook> hooks, String state) throws RuntimeFailure {
        if (hooks == null) {
            return;
        }
        for (int i = 0; i < hooks.size(); i++) {
            Spec.Hook h = hooks.get(i);
            String what = phase + " hook #" + i + " " + h.path();
            try {
                runOne(h, state, what);
            } catch (IOException e) {
                throw new RuntimeFailure(what + ": " + e.getMessage(), e);
            }
        }
    }

    /** For poststart and poststop: a failing hook is logged, and the rest still run. */
    static void runLogged(String phase, List<Spec.Hook> hooks, String state) {
        if (hooks == null) {
            return;
        }
        for (int i = 0; i < hooks.size(); i++) {
            Spec.Hook h = hooks.get(i);
            String what = phase + " hook #" + i + " " + h.path();
            try {
                runOne(h, state, what);
            } catch (IOException e) {
                LOG.warning(what + ": " + e.getMessage());
            }
        }
    }

    private static void runOne(Spec.Hook h, String state, String what) throws IOException {
        List<String> argv = h.args() == null || h.args().isEmpty() ? List.of(h.path()) : h.args();
        ProcessBuilder pb = new ProcessBuilder(argv).redirectOutput(ProcessBuilder.Redirect.INHERIT)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        // Java cannot give a program an argv[0] other than its path, so the hook sees path there.
        pb.command().set(0, h.path());
        pb.environment().clear();
        if (h.env() != null) {
            for (String kv : h.env()) {
                int eq = kv.indexOf('=');
                if (eq > 0) {
                    pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
                }
            }
        }
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(state.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // a hook that does not read its stdin is fine
        }
        try {
            if (h.timeout() == null || h.timeout() <= 0) {
                p.waitFor();
            } else if (!p.waitFor(h.timeout(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new IOException("timed out after " + h.timeout() + "s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
        if (p.exitValue() != 0) {
            throw new IOException("exit status " + p.exitValue());
        }
    }
}
