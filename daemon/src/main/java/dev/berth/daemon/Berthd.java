package dev.berth.daemon;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berthd}, the daemon's command line, with dockerd's flag names where they apply. Settings
 * come from the flags and from {@code --config-file} (dockerd's {@code daemon.json} keys); a flag
 * wins over the file. A failure to start is one line on stderr, {@code berthd: <what>: <why>},
 * and exit code 1; {@code --debug} adds the stack trace. SIGTERM and SIGINT stop the daemon
 * gracefully and it exits 0.
 */
@Command(name = "berthd", sortOptions = false, versionProvider = Berthd.Version.class,
        description = "Berth's daemon: the Docker Engine API over a unix socket or TCP.")
public final class Berthd implements Callable<Integer> {
    static {
        // Before the first logger exists: keep the log alive while the daemon stops (see DaemonLog.Manager).
        if (System.getProperty("java.util.logging.manager") == null) {
            System.setProperty("java.util.logging.manager", DaemonLog.Manager.class.getName());
        }
    }

    private static final Logger LOG = Logger.getLogger(Berthd.class.getName());

    @Option(names = {"-H", "--host"}, paramLabel = "ADDRESS",
            description = "Daemon socket(s) to listen on: unix:///path or tcp://host:port (default "
                    + DaemonConfig.DEFAULT_HOST + "); repeatable")
    List<String> hosts;

    @Option(names = "--tls", arity = "0..1", fallbackValue = "true", description = "Use TLS on tcp:// listeners; implied by --tlsverify")
    Boolean tls;

    @Option(names = "--tlsverify", arity = "0..1", fallbackValue = "true",
            description = "Use TLS and require client certificates signed by --tlscacert")
    Boolean tlsVerify;

    @Option(names = "--tlscacert", paramLabel = "FILE", description = "Trust client certificates signed by this CA (default ~/.docker/ca.pem)")
    Path tlsCaCert;

    @Option(names = "--tlscert", paramLabel = "FILE", description = "TLS certificate file (default ~/.docker/cert.pem)")
    Path tlsCert;

    @Option(names = "--tlskey", paramLabel = "FILE", description = "TLS key file (default ~/.docker/key.pem)")
    Path tlsKey;

    @Option(names = "--data-root", paramLabel = "DIR", description = "Root directory of persistent state (default /var/lib/berth)")
    Path dataRoot;

    @Option(names = "--exec-root", paramLabel = "DIR", description = "Root directory for execution state files (default /run/berth)")
    Path execRoot;

    @Option(names = {"-p", "--pidfile"}, paramLabel = "FILE", description = "Path to use for the daemon PID file (default <exec-root>/berthd.pid)")
    Path pidFile;

    @Option(names = "--config-file", paramLabel = "FILE", description = "Daemon configuration file (default " + "/etc/berth/daemon.json, if present)")
    Path configFile;

    @Option(names = "--insecure-registry", paramLabel = "REGISTRY", description = "Registry (host[:port] or CIDR) to reach without verified TLS; repeatable")
    List<String> insecureRegistries;

    @Option(names = "--registry-mirror", paramLabel = "URL", description = "Preferred Docker Hub mirror; repeatable")
    List<String> registryMirrors;

    @Option(names = {"-b", "--bridge"}, paramLabel = "NAME", description = "The default bridge network's host interface (default berth0); none: no default network, so a container without --network gets none")
    String bridge;

    @Option(names = "--bip", paramLabel = "CIDR", description = "The default bridge's address and prefix (e.g. 172.17.0.1/16; default: the first free default pool)")
    String bip;

    @Option(names = "--default-address-pool", paramLabel = "base=CIDR,size=N", description = "Pool that user networks' subnets come from; repeatable (replaces the defaults)")
    List<String> defaultAddressPools;

    @Option(names = "--log-driver", paramLabel = "DRIVER", description = "Default log driver of containers: json-file (default) or none")
    String logDriver;

    @Option(names = "--log-opt", paramLabel = "KEY=VALUE", description = "Default log driver option of containers (max-size, max-file); repeatable")
    java.util.Map<String, String> logOpts;

    @Option(names = {"-l", "--log-level"}, paramLabel = "LEVEL", description = "Log level: debug, info, warn, error, fatal (default info)")
    String logLevel;

    @Option(names = {"-D", "--debug"}, arity = "0..1", fallbackValue = "true", description = "Enable debug mode")
    Boolean debug;

    @Option(names = {"-v", "--version"}, versionHelp = true, description = "Print version information and quit")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Print usage")
    boolean help;

    public static void main(String[] args) {
        int code = run(System.err, args);
        if (code != Integer.MIN_VALUE) {
            System.exit(code);
        }
    }

    /**
     * Parses the flags and runs the daemon until it is stopped.
     *
     * @return the exit code
     */
    static int run(PrintStream err, String... args) {
        Berthd cmd = new Berthd();
        CommandLine cl = new CommandLine(cmd);
        cl.setParameterExceptionHandler((ex, a) -> fail(err, ex.getMessage(), null, cmd.debugging()));
        cl.setExecutionExceptionHandler((ex, c, pr) -> fail(err, ex.getMessage(), ex, cmd.debugging()));
        return cl.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        Settings flags = new Settings(hosts, tls, tlsVerify, tlsCaCert, tlsCert, tlsKey, dataRoot, execRoot, pidFile,
                insecureRegistries, registryMirrors, logLevel, debug, bridge, bip, defaultAddressPools, logDriver,
                logOpts);
        Path file = configFile != null ? configFile : Files.exists(ConfigFile.DEFAULT) ? ConfigFile.DEFAULT : null;
        Settings fromFile = file == null ? Settings.NONE : ConfigFile.read(file);
        DaemonConfig config = DaemonConfig.resolve(flags.over(fromFile));
        DaemonLog.configure(config.logLevel(), System.err);
        if (file != null) {
            LOG.fine("settings read from " + file + "; flags given on the command line take precedence");
        }
        Daemon daemon = Daemon.start(config);
        Thread hook = new Thread(() -> {
            daemon.stop();
            // A daemon asked to stop that stopped cleanly exits 0, as dockerd does, not 143.
            Runtime.getRuntime().halt(0);
        }, "berthd-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        daemon.awaitStopped();
        return 0;
    }

    private boolean debugging() {
        return Boolean.TRUE.equals(debug);
    }

    static int fail(PrintStream err, String message, Throwable cause, boolean debug) {
        String line = message == null || message.isBlank()
                ? (cause == null ? "unknown error" : cause.getClass().getSimpleName()) : message;
        int nl = line.indexOf('\n');
        if (nl >= 0) {
            line = line.substring(0, nl);
        }
        if (line.length() > 1 && Character.isUpperCase(line.charAt(0)) && !Character.isUpperCase(line.charAt(1))) {
            line = Character.toLowerCase(line.charAt(0)) + line.substring(1);
        }
        err.println("berthd: " + line);
        if (debug && cause != null) {
            cause.printStackTrace(err);
        }
        Logger.getLogger(Berthd.class.getName()).log(Level.FINE, line, cause);
        return 1;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            BuildInfo b = BuildInfo.load();
            return new String[] {"berthd version " + b.version() + ", API " + dev.berth.daemon.http.ApiVersion.CURRENT
                    + " (minimum " + dev.berth.daemon.http.ApiVersion.MINIMUM + ")"};
        }
    }
}
