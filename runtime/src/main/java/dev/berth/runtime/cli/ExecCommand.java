package dev.berth.runtime.cli;

import dev.berth.oci.runtime.InvalidSpecException;
import dev.berth.oci.runtime.OciJson;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.container.Exec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code exec}: run a new process inside a container; its exit code becomes ours. */
@Command(name = "exec", description = "execute new process inside the container")
final class ExecCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "<command>")
    List<String> command = new ArrayList<>();

    @Option(names = "--console-socket", description = "path to an AF_UNIX socket which will receive the pty master")
    Path consoleSocket;

    @Option(names = "--cwd", description = "current working directory in the container")
    String cwd;

    @Option(names = {"-e", "--env"}, description = "set environment variables")
    List<String> env = new ArrayList<>();

    @Option(names = {"-t", "--tty"}, description = "allocate a pseudo-TTY")
    boolean tty;

    @Option(names = {"-u", "--user"}, description = "UID (format: <uid>[:<gid>])")
    String user;

    @Option(names = {"-g", "--additional-gids"}, description = "additional gids")
    List<Long> additionalGids = new ArrayList<>();

    @Option(names = {"-p", "--process"}, description = "path to the process.json")
    Path process;

    @Option(names = {"-d", "--detach"}, description = "detach from the container's process")
    boolean detach;

    @Option(names = "--pid-file", description = "specify the file to write the process id to")
    Path pidFile;

    @Option(names = "--process-label", description = "set the asm process label (recorded only)")
    String processLabel;

    @Option(names = "--apparmor", description = "set the apparmor profile for the process (recorded only)")
    String apparmor;

    @Option(names = "--no-new-privs", description = "set the no new privileges value for the process")
    boolean noNewPrivs;

    @Option(names = {"-c", "--cap"}, description = "add a capability to the bounding set for the process")
    List<String> caps = new ArrayList<>();

    @Option(names = "--preserve-fds", description = "pass N additional file descriptors to the container")
    int preserveFds;

    @Option(names = "--cgroup", description = "run the process in a (sub)cgroup (not supported)")
    List<String> cgroup = new ArrayList<>();

    @Option(names = "--ignore-paused", description = "allow exec in a paused container")
    boolean ignorePaused;

    @Override
    public Integer call() throws Exception {
        var ctx = main.context();
        Spec.Process p;
        if (process != null) {
            try {
                p = OciJson.read(Files.readAllBytes(process), Spec.Process.class, process.toString());
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
        if (!cgroup.isEmpty()) {
            throw new RuntimeFailure("--cgroup: running exec in a sub-cgroup is not supported");
        }
        return new Exec(ctx).exec(new Exec.Options(id, p, pidFile,
                consoleSocket == null ? null : consoleSocket.toAbsolutePath(), detach, preserveFds));
    }

    private String validId() throws RuntimeFailure {
        try {
            dev.berth.runtime.state.StateStore.checkId(id);
        } catch (IllegalArgumentException e) {
            throw new RuntimeFailure(e.getMessage());
        }
        if (!Files.exists(main.root.resolve(id).resolve("state.json"))) {
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
