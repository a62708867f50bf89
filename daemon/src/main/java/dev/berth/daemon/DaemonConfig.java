package dev.berth.daemon;

import dev.berth.daemon.http.ListenAddress;
import dev.berth.daemon.http.TlsFiles;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;

/**
 * The daemon's configuration, complete and checked: defaults filled in, addresses parsed, TLS
 * files present, registry settings in dockerd's normal form. Nothing is read from the
 * environment after this point.
 *
 * @param hosts              where the API listens ({@code -H})
 * @param tls                the TLS files for tcp:// listeners, or null for none
 * @param dataRoot           persistent state ({@code --data-root}, default {@code /var/lib/berth})
 * @param execRoot           runtime state ({@code --exec-root}, default {@code /run/berth})
 * @param pidFile            {@code --pidfile}, default {@code <exec-root>/berthd.pid}
 * @param insecureRegistries registries reached over plain HTTP or unverified TLS: CIDRs and host[:port]
 * @param registryMirrors    pull-through mirrors for Docker Hub, as {@code https://host/}
 * @param logLevel           the log level, as a JUL level
 * @param debug              {@code --debug}: debug logging and stack traces of failures
 * @param bridge             the default bridge network's host interface ({@code --bridge}, default
 *                           {@code berth0}); null for {@code --bridge none}: no default network, so
 *                           containers without {@code --network} get a namespace with loopback only
 * @param bip                {@code --bip}: the default bridge's gateway address and prefix, or null
 *                           for the first free subnet of the default pools
 * @param addressPools       {@code --default-address-pool}s as {@code base=CIDR,size=N}; empty for dockerd's
 * @param logDriver          {@code --log-driver}: containers' default log driver, null for json-file
 * @param logOpts            {@code --log-opt}s: the default driver's options for containers that use it
 */
public record DaemonConfig(List<ListenAddress> hosts, TlsFiles tls, Path dataRoot, Path execRoot, Path pidFile,
                           List<String> insecureRegistries, List<String> registryMirrors, Level logLevel,
                           boolean debug, String bridge, String bip, List<String> addressPools, String logDriver,
                           java.util.Map<String, String> logOpts) {

    public static final String DEFAULT_HOST = "unix:///run/berth/berth.sock";
    public static final Path DEFAULT_DATA_ROOT = Path.of("/var/lib/berth");
    public static final Path DEFAULT_EXEC_ROOT = Path.of("/run/berth");

    public DaemonConfig {
        hosts = List.copyOf(hosts);
        insecureRegistries = List.copyOf(insecureRegistries);
        registryMirrors = List.copyOf(registryMirrors);
        addressPools = List.copyOf(addressPools);
        logOpts = logOpts == null ? java.util.Map.of() : java.util.Map.copyOf(logOpts);
    }

    /** The default name of the default bridge's host interface (dockerd's is docker0). */
    public static final String DEFAULT_BRIDGE = "berth0";

    /** A configuration for tests and embedding: one unix socket, the given roots, no default bridge, defaults for the rest. */
    public static DaemonConfig of(Path socket, Path dataRoot, Path execRoot) throws StartupFailure {
        return resolve(new Settings(List.of("unix://" + socket), null, null, null, null, null, dataRoot, execRoot,
                null, null, null, null, null, "none", null, null, null, null));
    }

    /** Fills in defaults and checks everything, naming the setting at fault. */
    static DaemonConfig resolve(Settings s) throws StartupFailure {
        boolean debug = Boolean.TRUE.equals(s.debug());
        Level level = debug ? Level.FINE : logLevel(s.logLevel() == null ? "info" : s.logLevel());
        boolean verify = Boolean.TRUE.equals(s.tlsVerify());
        boolean tlsOn = verify || Boolean.TRUE.equals(s.tls());

        List<ListenAddress> hosts = new ArrayList<>();
        for (String h : s.hosts() == null || s.hosts().isEmpty() ? List.of(DEFAULT_HOST) : s.hosts()) {
            try {
                ListenAddress a = ListenAddress.parse(h, tlsOn);
                if (!hosts.contains(a)) {
                    hosts.add(a);
                }
            } catch (IllegalArgumentException e) {
                throw new StartupFailure("-H " + h, e.getMessage());
            }
        }

        TlsFiles tls = null;
        if (tlsOn && hosts.stream().anyMatch(a -> a instanceof ListenAddress.Tcp)) {
            Path certDir = certDir();
            Path ca = absolute(s.tlsCaCert() != null ? s.tlsCaCert() : certDir.resolve("ca.pem"));
            Path cert = absolute(s.tlsCert() != null ? s.tlsCert() : certDir.resolve("cert.pem"));
            Path key = absolute(s.tlsKey() != null ? s.tlsKey() : certDir.resolve("key.pem"));
            requireFile("--tlscert", cert);
            requireFile("--tlskey", key);
            if (verify) {
                requireFile("--tlscacert", ca);
            }
            tls = new TlsFiles(cert, key, ca, verify);
        }

        Path dataRoot = absolute(s.dataRoot() != null ? s.dataRoot() : DEFAULT_DATA_ROOT);
        Path execRoot = absolute(s.execRoot() != null ? s.execRoot() : DEFAULT_EXEC_ROOT);
        Path pidFile = absolute(s.pidFile() != null ? s.pidFile() : execRoot.resolve("berthd.pid"));
        if (dataRoot.equals(execRoot)) {
            throw new StartupFailure("--exec-root " + execRoot, "must differ from --data-root");
        }

        List<String> insecure = new ArrayList<>();
        for (String r : s.insecureRegistries() == null ? List.<String>of() : s.insecureRegistries()) {
            String v = insecureRegistry(r);
            if (!insecure.contains(v)) {
                insecure.add(v);
            }
        }
        List<String> mirrors = new ArrayList<>();
        for (String m : s.registryMirrors() == null ? List.<String>of() : s.registryMirrors()) {
            String v = mirror(m);
            if (!mirrors.contains(v)) {
                mirrors.add(v);
            }
        }
        String bridge = s.bridge() == null || s.bridge().isEmpty() ? DEFAULT_BRIDGE : s.bridge();
        if (bridge.length() > 15 || bridge.contains("/") || bridge.contains(" ")) {
            throw new StartupFailure("--bridge " + bridge, "an interface name has at most 15 characters, no / or space");
        }
        if (s.bip() != null && !s.bip().matches("\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}")) {
            throw new StartupFailure("--bip " + s.bip(), "expected an IPv4 address with a prefix length, such as 172.17.0.1/16");
        }
        List<String> pools = s.defaultAddressPools() == null ? List.of() : s.defaultAddressPools();
        for (String p : pools) {
            if (!p.matches("base=\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2},size=\\d{1,2}")) {
                throw new StartupFailure("--default-address-pool " + p, "expected base=CIDR,size=N, such as base=10.10.0.0/16,size=24");
            }
        }
        if ("none".equals(bridge) && s.bip() != null) {
            throw new StartupFailure("--bip " + s.bip(), "cannot be used with --bridge none");
        }
        return new DaemonConfig(hosts, tls, dataRoot, execRoot, pidFile, insecure, mirrors, level, debug,
                "none".equals(bridge) ? null : bridge, s.bip(), pools,
                s.logDriver() == null || s.logDriver().isEmpty() ? null : s.logDriver(), s.logOpts());
    }

    /** logrus's level names, which dockerd's {@code --log-level} takes. */
    static Level logLevel(String name) throws StartupFailure {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "trace", "debug" -> Level.FINE;
            case "info" -> Level.INFO;
            case "warn", "warning" -> Level.WARNING;
            case "error", "fatal", "panic" -> Level.SEVERE;
            default -> throw new StartupFailure("--log-level " + name,
                    "unknown level; use debug, info, warn, error or fatal");
        };
    }

    /** dockerd's rule: a CIDR or a host[:port], never a URL. */
    static String insecureRegistry(String r) throws StartupFailure {
        String v = r.trim();
        if (v.contains("://")) {
            throw new StartupFailure("--insecure-registry " + r, "insecure registry should not contain '://'");
        }
        if (v.isEmpty()) {
            throw new StartupFailure("--insecure-registry", "empty value");
        }
        if (v.contains("/")) {
            int slash = v.indexOf('/');
            String ip = v.substring(0, slash);
            String bits = v.substring(slash + 1);
            boolean v6 = ip.contains(":");
            try {
                int n = Integer.parseInt(bits);
                if (n < 0 || n > (v6 ? 128 : 32) || !(v6 || ip.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) {
                    throw new NumberFormatException();
                }
            } catch (NumberFormatException e) {
                throw new StartupFailure("--insecure-registry " + r, "not a CIDR (such as 10.0.0.0/8) or host[:port]");
            }
        }
        return v;
    }

    /** dockerd's rule: an http(s) URL with a host and no path, normalised to {@code scheme://host/}. */
    static String mirror(String m) throws StartupFailure {
        String what = "--registry-mirror " + m;
        URI u;
        try {
            u = new URI(m.trim());
        } catch (URISyntaxException e) {
            throw new StartupFailure(what, "not a URL: " + e.getReason());
        }
        if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
            throw new StartupFailure(what, "unsupported scheme \"" + u.getScheme() + "\" (use http:// or https://)");
        }
        if (u.getHost() == null) {
            throw new StartupFailure(what, "no host in the URL");
        }
        if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")
                || u.getRawQuery() != null || u.getRawUserInfo() != null) {
            throw new StartupFailure(what, "a mirror URL must not have a path, query or credentials");
        }
        return u.getScheme() + "://" + u.getRawAuthority() + "/";
    }

    /** dockerd: {@code $DOCKER_CERT_PATH}, else {@code ~/.docker}. */
    private static Path certDir() {
        String env = System.getenv("DOCKER_CERT_PATH");
        return env != null && !env.isEmpty() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".docker");
    }

    private static void requireFile(String flag, Path p) throws StartupFailure {
        if (!Files.isRegularFile(p)) {
            throw new StartupFailure(flag + " " + p, Files.exists(p) ? "not a regular file" : "no such file");
        }
    }

    private static Path absolute(Path p) {
        return p.toAbsolutePath().normalize();
    }
}
