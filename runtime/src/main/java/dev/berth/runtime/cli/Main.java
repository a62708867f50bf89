package dev.berth.runtime.cli;

import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.container.RuntimeContext;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code berth-runtime}: the runc-compatible command line over the runtime library. Commands,
 * flags, state JSON and exit codes follow runc's manual pages, so callers such as
 * {@code podman --runtime} can use it in runc's place. Every failure is one line on stderr,
 * {@code berth-runtime: <what>: <why>}, and exit code 1 (run and exec pass their process's
 * code through); {@code --debug} adds the stack trace.
 */
@Command(name = "berth-runtime", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Berth's OCI runtime: create and run containers from OCI bundles.")
public final class Main implements Runnable {
    static final String NAME = "berth-runtime";

    /**
     * The commands, by name and alias. Only the one a call names is given to picocli: building
     * the model of every command by reflection costs more than the rest of a short command.
     */
    private static final java.util.Map<String, Class<?>> COMMANDS = commands();

    /** Global options that take a value, to find the command name behind them. */
    private static final java.util.Set<String> VALUED = java.util.Set.of("--root", "--log", "--log-format",
            "--criu", "--rootless");

    private static java.util.Map<String, Class<?>> commands() {
        var m = new java.util.LinkedHashMap<String, Class<?>>();
        for (Class<?> c : List.of(CreateCommand.class, StartCommand.class, RunCommand.class, StateCommand.class,
                ListCommand.class, KillCommand.class, DeleteCommand.class, ExecCommand.class, PsCommand.class,
                PauseCommand.class, ResumeCommand.class, UpdateCommand.class, EventsCommand.class,
                SpecCommand.class, FeaturesCommand.class)) {
            Command a = c.getAnnotation(Command.class);
            m.put(a.name(), c);
            for (String alias : a.aliases()) {
                m.put(alias, c);
            }
        }
        return m;
    }

    /** The command a call names: the first argument that is not a global option or its value. */
    static String commandName(String... args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) {
                return a;
            }
            if (VALUED.contains(a)) {
                i++;
            }
        }
        return null;
    }

    @Option(names = "--root", description = "root directory for storage of container state (default: ${DEFAULT-VALUE})")
    Path root = RuntimeContext.DEFAULT_ROOT;

    @Option(names = "--log", description = "set the log file to write runtime logs to (default: stderr)")
    Path log;

    @Option(names = "--log-format", description = "set the log format ('text' or 'json')")
    String logFormat = "text";

    @Option(names = "--debug", description = "enable debug logging")
    boolean debug;

    @Option(names = "--systemd-cgroup", description = "enable systemd cgroup support (not supported)")
    boolean systemdCgroup;

    @Option(names = "--criu", hidden = true, description = "accepted for compatibility; checkpointing is not supported")
    String criu;

    @Option(names = "--rootless", description = "ignore cgroup permission errors ('true', 'false', or 'auto')")
    String rootless = "auto";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The context for a command, after checking the global flags. */
    RuntimeContext context() throws RuntimeFailure {
        if (systemdCgroup) {
            throw new RuntimeFailure("--systemd-cgroup: systemd cgroup management is not supported by berth-runtime; "
                    + "use cgroupfs paths (the default)");
        }
        return RuntimeContext.of(root.toAbsolutePath());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        dev.berth.runtime.StartTrace.mark("jvm");
        Main main = new Main();
        CommandLine cl = new CommandLine(main);
        Class<?> named = COMMANDS.get(commandName(args));
        for (Class<?> c : named != null ? List.<Class<?>>of(named) : List.copyOf(new java.util.LinkedHashSet<>(COMMANDS.values()))) {
            cl.addSubcommand(c);
        }
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // As in runc: what follows the container id belongs to the command (exec sh -c ...; ps -ef).
        for (String name : new String[] {"exec", "ps"}) {
            CommandLine sub = cl.getSubcommands().get(name);
            if (sub != null) {
                sub.setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true);
            }
        }
        cl.setExecutionStrategy(pr -> {
            dev.berth.runtime.StartTrace.mark("parse arguments");
            CliLog.configure(main.log, main.logFormat, main.debug);
            try {
                return new CommandLine.RunLast().execute(pr);
            } finally {
                dev.berth.runtime.StartTrace.log();
            }
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            CliLog.configure(main.log, main.logFormat, main.debug);
            return fail(ex.getMessage(), null, main.debug);
        });
        cl.setExecutionExceptionHandler((ex, c, pr) -> fail(message(ex), ex, main.debug));
        return cl.execute(args);
    }

    private static String message(Exception ex) {
        if (ex instanceof RuntimeFailure || ex instanceof IllegalArgumentException) {
            return ex.getMessage();
        }
        String m = ex.getMessage();
        return m == null ? ex.getClass().getSimpleName() : m;
    }

    static int fail(String message, Throwable cause, boolean debug) {
        String line = firstLine(message);
        if (!line.isEmpty() && Character.isUpperCase(line.charAt(0)) && (line.length() < 2 || !Character.isUpperCase(line.charAt(1)))) {
            line = Character.toLowerCase(line.charAt(0)) + line.substring(1);
        }
        Logger.getLogger(NAME).log(Level.SEVERE, line, debug ? cause : null);
        System.err.println(NAME + ": " + line);
        if (debug && cause != null) {
            cause.printStackTrace();
        }
        return cause instanceof RuntimeFailure rf ? rf.exitCode() : 1;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** The version line, in runc's layout. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"berth-runtime version 0.1.0", "spec: 1.2.1"};
        }
    }
}
