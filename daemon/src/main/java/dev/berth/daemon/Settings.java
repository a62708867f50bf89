package dev.berth.daemon;

import java.nio.file.Path;
import java.util.List;

/**
 * The daemon's settings as one source gives them, the command line or the config file: a null
 * field was not given. {@link #over} layers the command line over the file (flags win);
 * {@link DaemonConfig#resolve} fills in defaults and validates.
 */
record Settings(List<String> hosts, Boolean tls, Boolean tlsVerify, Path tlsCaCert, Path tlsCert, Path tlsKey,
                Path dataRoot, Path execRoot, Path pidFile, List<String> insecureRegistries,
                List<String> registryMirrors, String logLevel, Boolean debug, String bridge, String bip,
                List<String> defaultAddressPools, String logDriver, java.util.Map<String, String> logOpts) {

    static final Settings NONE = new Settings(null, null, null, null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null);

    /** These settings, with {@code lower}'s where these have none. */
    Settings over(Settings lower) {
        return new Settings(
                first(hosts, lower.hosts), first(tls, lower.tls), first(tlsVerify, lower.tlsVerify),
                first(tlsCaCert, lower.tlsCaCert), first(tlsCert, lower.tlsCert), first(tlsKey, lower.tlsKey),
                first(dataRoot, lower.dataRoot), first(execRoot, lower.execRoot), first(pidFile, lower.pidFile),
                first(insecureRegistries, lower.insecureRegistries), first(registryMirrors, lower.registryMirrors),
                first(logLevel, lower.logLevel), first(debug, lower.debug), first(bridge, lower.bridge),
                first(bip, lower.bip), first(defaultAddressPools, lower.defaultAddressPools),
                first(logDriver, lower.logDriver), first(logOpts, lower.logOpts));
    }

    private static <T> T first(T a, T b) {
        if (a instanceof List<?> l && l.isEmpty() || a instanceof java.util.Map<?, ?> m && m.isEmpty()) {
            return b;
        }
        return a != null ? a : b;
    }
}
