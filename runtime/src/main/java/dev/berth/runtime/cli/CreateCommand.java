package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.containerId;
import static dev.berth.runtime.cli.Invocation.Model.flag;
import static dev.berth.runtime.cli.Invocation.Model.option;

import dev.berth.runtime.container.Create;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/** {@code create}: set up a container from a bundle, waiting for {@code start}. */
final class CreateCommand implements RuntimeCommand {
    @Override
    public CommandSpec spec() {
        return withCreateOptions(command("create", "create a container"));
    }

    /** The options create and run share, as in runc. */
    static CommandSpec withCreateOptions(CommandSpec spec) {
        return spec.addPositional(containerId())
                .addOption(option(Path.class, ".", "path to the root of the bundle directory", "-b", "--bundle"))
                .addOption(option(Path.class, null, "path to an AF_UNIX socket which will receive the pty master",
                        "--console-socket"))
                .addOption(option(Path.class, null, "file to write the process id to", "--pid-file"))
                .addOption(flag("do not use pivot root to jail process inside rootfs", "--no-pivot"))
                .addOption(flag("do not create a new session keyring (always the case)", "--no-new-keyring"))
                .addOption(option(int.class, "0", "pass N additional file descriptors to the container",
                        "--preserve-fds"));
    }

    /** The create options of a call; {@code monitored} and {@code detached} say who waits for the process. */
    static Create.Options options(Invocation in, boolean monitored, boolean detached) {
        Path socket = in.value("--console-socket");
        return new Create.Options(in.id(), in.value("--bundle"), in.value("--pid-file"),
                socket == null ? null : socket.toAbsolutePath(), in.flag("--no-pivot"),
                in.<Integer>value("--preserve-fds"), monitored, detached, false);
    }

    @Override
    public int call(Invocation in) throws Exception {
        new Create(in.context()).create(options(in, false, true));
        return 0;
    }
}
