package dev.berth.runtime.container;

import dev.berth.runtime.state.StateStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every operation needs: the state root and where the shim binary is. The shim is found
 * through the {@code berth.shim} system property (the launcher sets it), else beside the jar.
 */
public record RuntimeContext(StateStore store, Path shim) {
    public static final Path DEFAULT_ROOT = Path.of("/run/berth-runtime");

    public static RuntimeContext of(Path root) {
        String prop = System.getProperty("berth.shim");
        Path shim = prop != null ? Path.of(prop) : Path.of("/usr/libexec/berth/berth-shim");
        return new RuntimeContext(new StateStore(root), shim);
    }

    /** A control-socket path short enough for sun_path (108 bytes), inside the state directory if possible. */
    private static final java.util.concurrent.atomic.AtomicLong LAUNCHES = new java.util.concurrent.atomic.AtomicLong();

    Path socketPath(Path dir, String name) {
        Path p = dir.resolve(name);
        if (p.toString().length() < 100) {
            return p;
        }
        // Too long for sun_path: a short name in the temp directory, unique per launch, because
        // one process (a daemon) may launch many containers at once.
        return Path.of(System.getProperty("java.io.tmpdir"), "berth-" + ProcessHandle.current().pid() + "-"
                + LAUNCHES.incrementAndGet() + "-" + name);
    }

    boolean shimExists() {
        return Files.isExecutable(shim);
    }
}
