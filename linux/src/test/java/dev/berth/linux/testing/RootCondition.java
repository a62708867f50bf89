package dev.berth.linux.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Enforces {@link RequiresRoot}: fail when root tests are required, skip with a reason elsewhere.
 * Every module's root tests use it, through this module's test jar.
 */
public final class RootCondition implements BeforeAllCallback, BeforeEachCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        check();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        check();
    }

    static void check() throws Exception {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (uid == 0) {
            return;
        }
        String why = "needs root (uid 0) for mounts, namespaces, cgroups, device nodes, trusted xattrs or chown; "
                + "running as uid " + uid;
        if (Boolean.getBoolean("berth.requireRoot") || "1".equals(System.getenv("BERTH_REQUIRE_ROOT"))) {
            throw new AssertionError(why + " and berth.requireRoot is set: root tests must not be skipped here");
        }
        Assumptions.abort(why);
    }
}
