package dev.berth.runtime.cli;

import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.cli.Invocation.Model;
import dev.berth.runtime.container.RuntimeContext;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine;

/**
 * {@code berth-runtime}: the runc-compatible command line over the runtime library. Commands,
 * flags, state JSON and exit codes follow runc's manual pages, so callers such as
 * {@code podman --runtime} can use it in runc's place. Every failure is one line on stderr,
 * {@code berth-runtime: <what>: <why>}, and exit code 1 (run and exec pass their process's
 * code through); {@code --debug} adds the stack trace.
 */
public final class Main {
    static final String NAME = "berth-runtime";

    /** The commands in the order the help lists them. */
    static final List<String> NAMES = List.of("create", "start", "run", "state", "list", "kill", "delete",
            "exec", "ps", "pause", "resume", "update", "events", "spec", "features");

    /** Global options that take a value, to find the command name behind them. */
    private static final java.util.Set<String> VALUED = java.util.Set.of("--root", "--log", "--log-format",
            "--criu", "--rootless");

    private Main() {}

    /** The command called {@code name} (or by its alias); null if there is none. */
    static RuntimeCommand command(String name) {
        if (name == null) {
            return null;
        }
        // A plain string switch: "case null" would make it a pattern switch, bootstrapped at
        // run time through method handles, which costs a cold start ~20 ms.
        return switch (name) {
            case "create" -> new CreateCommand();
            case "start" -> new StartCommand();
            case "run" -> new RunCommand();
            case "state" -> new StateCommand();
            case "list", "ls" -> new ListCommand();
            case "kill" -> new KillCommand();
            case "delete" -> new DeleteCommand();
            case "exec" -> new ExecCommand();
            case "ps" -> new PsCommand();
            case "pause" -> new PauseCommand();
            case "resume" -> new ResumeCommand();
            case "update" -> new UpdateCommand();
            case "events" -> new EventsCommand();
            case "spec" -> new SpecCommand();
            case "features" -> new FeaturesCommand();
            default -> null;
        };
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

    /** The global options, shared by every command. */
    private static CommandSpec globalSpec() {
        CommandSpec top = Model.command(NAME, "Berth's OCI runtime: create and run containers from OCI bundles.");
        top.version("berth-runtime version 0.1.0", "spec: 1.2.1");
        top.addOption(OptionSpec.builder("-v", "--version").versionHelp(true).description("print the version").build());
        top.addOption(Model.option(Path.class, RuntimeContext.DEFAULT_ROOT.toString(),
                "root directory for storage of container state (default: ${DEFAULT-VALUE})", "--root"));
        top.addOption(Model.option(Path.class, null, "set the log file to write runtime logs to (default: stderr)", "--log"));
        top.addOption(Model.option(String.class, "text", "set the log format ('text' or 'json')", "--log-format"));
        top.addOption(Model.flag("enable debug logging", "--debug"));
        top.addOption(Model.flag("enable systemd cgroup support (not supported)", "--systemd-cgroup"));
        top.addOption(Model.hidden(String.class, "--criu"));
        top.addOption(Model.option(String.class, "auto", "ignore cgroup permission errors ('true', 'false', or 'auto')",
                "--rootless"));
        return top;
    }

    /** The global options' values. */
    record Globals(Path root, Path log, String logFormat, boolean debug, boolean systemdCgroup) {
        static Globals of(CommandSpec top) {
            Invocation in = new Invocation(null, top);
            return new Globals(in.value("--root"), in.value("--log"), in.value("--log-format"), in.flag("--debug"),
                    in.flag("--systemd-cgroup"));
        }

        /** The context for a command, after checking the global flags. */
        RuntimeContext context() throws RuntimeFailure {
            if (systemdCgroup) {
                throw new RuntimeFailure("--systemd-cgroup: systemd cgroup management is not supported by "
                        + "berth-runtime; use cgroupfs paths (the default)");
            }
            return RuntimeContext.of(root.toAbsolutePath());
        }
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        try (dev.berth.runtime.StartTrace trace = dev.berth.runtime.StartTrace.beginAtProcessStart()) {
            dev.berth.runtime.StartTrace.mark("jvm");
            return execute(trace, args);
        }
    }

    private static int execute(dev.berth.runtime.StartTrace trace, String... args) {
        CommandSpec top = globalSpec();
        // Only the command a call names gets a model: building all of them costs more than a
        // short command. Without one (help, a typo), all are built so the help can list them;
        // --version needs none.
        RuntimeCommand named = command(commandName(args));
        boolean versionOnly = false;
        for (String a : args) {
            versionOnly |= named == null && (a.equals("-v") || a.equals("--version"));
        }
        java.util.Map<String, RuntimeCommand> commands = new java.util.LinkedHashMap<>();
        for (String name : named != null ? List.of(named.spec().name()) : versionOnly ? List.<String>of() : NAMES) {
            RuntimeCommand c = named != null ? named : command(name);
            CommandSpec spec = c.spec();
            commands.put(spec.name(), c);
            top.addSubcommand(spec.name(), spec);
        }
        CommandLine cl = new CommandLine(top);
        // As in runc: what follows the container id belongs to the command (exec sh -c ...; ps -ef).
        for (String name : new String[] {"exec", "ps"}) {
            CommandLine sub = cl.getSubcommands().get(name);
            if (sub != null) {
                sub.setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true);
            }
        }
        cl.setExecutionStrategy(pr -> {
            dev.berth.runtime.StartTrace.mark("parse arguments");
            Globals globals = Globals.of(top);
            CliLog.configure(globals.log(), globals.logFormat(), globals.debug());
            Integer help = CommandLine.executeHelpRequest(pr);
            if (help != null) {
                return help;
            }
            if (!pr.hasSubcommand()) {
                cl.usage(System.out);
                return 0;
            }
            CommandSpec sub = pr.subcommand().commandSpec();
            try {
                return commands.get(sub.name()).call(new Invocation(globals, sub));
            } catch (Exception e) {
                throw new CommandLine.ExecutionException(sub.commandLine(), e.getMessage() == null ? "" : e.getMessage(), e);
            } finally {
                // the stages of this call, so that a slow start has a name (--debug shows it)
                java.util.logging.Logger.getLogger(dev.berth.runtime.StartTrace.class.getName())
                        .fine(() -> "start trace: " + trace.summary());
            }
        });
        cl.setParameterExceptionHandler((ex, a) -> {
            Globals globals = Globals.of(top);
            CliLog.configure(globals.log(), globals.logFormat(), globals.debug());
            return fail(ex.getMessage(), null, globals.debug());
        });
        // picocli hands this handler the command's own exception, unwrapped.
        cl.setExecutionExceptionHandler((ex, c, pr) -> fail(message(ex), ex, Globals.of(top).debug()));
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
}
