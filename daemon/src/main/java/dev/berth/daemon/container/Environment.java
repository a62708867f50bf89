package dev.berth.daemon.container;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process environment of a container, as dockerd builds it
 * ({@code CreateDaemonEnvironment}): {@code PATH} (Docker's default), {@code HOSTNAME} and, with
 * a TTY, {@code TERM=xterm} come first, then the container's own variables replace those with
 * the same name or are appended. A variable given without {@code =} removes the default of that
 * name ({@code ReplaceOrAppendEnvValues}).
 */
final class Environment {
    /** moby's {@code oci.DefaultPathEnv} for Linux containers. */
    static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private Environment() {}

    static List<String> build(String hostname, boolean tty, List<String> configEnv) {
        List<String> defaults = new ArrayList<>();
        defaults.add("PATH=" + DEFAULT_PATH);
        defaults.add("HOSTNAME=" + hostname);
        if (tty) {
            defaults.add("TERM=xterm");
        }
        return replaceOrAppend(defaults, configEnv);
    }

    static List<String> replaceOrAppend(List<String> defaults, List<String> overrides) {
        Map<String, String> byKey = new LinkedHashMap<>();
        for (String d : defaults) {
            byKey.put(key(d), d);
        }
        for (String o : overrides == null ? List.<String>of() : overrides) {
            if (o.indexOf('=') < 0) {
                byKey.remove(o); // "FOO" without a value unsets a default
            } else {
                byKey.put(key(o), o);
            }
        }
        return List.copyOf(byKey.values());
    }

    static String key(String variable) {
        int eq = variable.indexOf('=');
        return eq < 0 ? variable : variable.substring(0, eq);
    }
}
