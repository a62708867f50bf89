package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.containerId;
import static dev.berth.runtime.cli.Invocation.Model.flag;
import static dev.berth.runtime.cli.Invocation.Model.option;
import static dev.berth.runtime.cli.Invocation.Model.repeatable;
import static dev.berth.runtime.cli.Invocation.Model.rest;

import dev.berth.oci.runtime.InvalidSpecException;
import dev.berth.oci.runtime.OciJson;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.container.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** {@code exec}: run a new process inside a container; its exit code becomes ours. */
final class ExecCommand implements RuntimeCommand {
    private Path root;
    private String id;
    private List<String> command;
    private String cwd;
    private List<String> env;
    private boolean tty;
    private String user;
    private List<Long> additionalGids;
    private boolean noNewPrivs;
    private String apparmor;
    private List<String> caps;

    @Override
    public CommandSpec spec() {
        return command("exec", "execute new process inside the container")
                .addPositional(containerId())
                .addPositional(rest(1, "<command>"))
                .addOption(option(Path.class, null, "path to an AF_UNIX socket which will receive the pty master",
                        "--console-socket"))
                .addOption(option(String.class, null, "current working directory in the container", "--cwd"))
                .addOption(repeatable(String.class, "set environment variables", "-e", "--env"))
                .addOption(flag("allocate a pseudo-TTY", "-t", "--tty"))
                .addOption(option(String.class, null, "UID (format: <uid>[:<gid>])", "-u", "--user"))
                .addOption(repeatable(Long.class, "additional gids", "-g", "--additional-gids"))
                .addOption(option(Path.class, null, "path to the process.json", "-p", "--process"))
                .addOption(flag("detach from the container's process", "-d", "--detach"))
                .addOption(option(Path.class, null, "specify the file to write the process id to", "--pid-file"))
                .addOption(option(String.class, null, "set the asm process label (recorded only)", "--process-label"))
                .addOption(option(String.class, null, "set the apparmor profile for the process (recorded only)",
                        "--apparmor"))
                .addOption(flag("set the no new privileges value for the process", "--no-new-privs"))
                .addOption(repeatable(String.class, "add a capability to the bounding set for the process", "-c", "--cap"))
                .addOption(option(int.class, "0", "pass N additional file descriptors to the container", "--preserve-fds"))
                .addOption(repeatable(String.class, "run the process in a (sub)cgroup (not supported)", "--cgroup"))
                .addOption(flag("allow exec in a paused container", "--ignore-paused"));
    }

    @Override
    public int call(Invocation in) throws Exception {
        var ctx = in.context();
        root = in.globals().root();
        id = in.id();
        command = in.rest(1);
        cwd = in.value("--cwd");
        env = in.strings("--env");
        tty = in.flag("--tty");
        user = in.value("--user");
        additionalGids = in.value("--additional-gids");
        additionalGids = additionalGids == null ? List.of() : additionalGids;
        noNewPrivs = in.flag("--no-new-privs");
        apparmor = in.value("--apparmor");
        caps = in.strings("--cap");
        Path process = in.value("--process");
        Path pidFile = in.value("--pid-file");
        Path consoleSocket = in.value("--console-socket");
        Spec.Process p;
        if (process != null) {
            try {
                p = OciJson.readProcess(Files.readAllBytes(process), process.toString());
            } catch (InvalidSpecException e) {
                throw new RuntimeFailure(e.getMessage(), e);
            }
        } else {
            if (command.isEmpty()) {
                throw new RuntimeFailure("exec: no command given (pass it after the container id, or use --process)");
            }
            Spec spec = ctx.store().loadSpec(validId());
            for (String c : caps) {
                if (dev.berth.oci.runtime.Capability.byName(c).isEmpty()) {
                    throw new RuntimeFailure("--cap: unknown capability " + c);
                }
            }
            p = Exec.fromFlags(spec, command, env, cwd, parseUser(spec), caps, tty, noNewPrivs, apparmor);
        }
        if (!in.strings("--cgroup").isEmpty()) {
            throw new RuntimeFailure("--cgroup: running exec in a sub-cgroup is not supported");
        }
        return new Exec(ctx).exec(new Exec.Options(id, p, pidFile,
                consoleSocket == null ? null : consoleSocket.toAbsolutePath(), in.flag("--detach"),
                in.<Integer>value("--preserve-fds")));
    }

    private String validId() throws RuntimeFailure {
        try {
            dev.berth.runtime.state.StateStore.checkId(id);
        } catch (IllegalArgumentException e) {
            throw new RuntimeFailure(e.getMessage());
        }
        if (!Files.exists(root.resolve(id).resolve("state.json"))) {
            throw new RuntimeFailure("container " + id + " does not exist");
        }
        return id;
    }

    private Spec.User parseUser(Spec spec) throws RuntimeFailure {
        if (user == null && additionalGids.isEmpty()) {
            return null;
        }
        Spec.User base = spec.process().user();
        long uid = base == null ? 0 : base.uid();
        long gid = base == null ? 0 : base.gid();
        if (user != null) {
            try {
                String[] parts = user.split(":", 2);
                uid = Long.parseLong(parts[0]);
                if (parts.length == 2) {
                    gid = Long.parseLong(parts[1]);
                }
            } catch (NumberFormatException e) {
                throw new RuntimeFailure("--user: " + user + " is not of the form <uid>[:<gid>]");
            }
        }
        List<Long> gids = additionalGids.isEmpty() && base != null ? base.additionalGids() : additionalGids;
        return new Spec.User(uid, gid, base == null ? null : base.umask(), gids, null);
    }
}
