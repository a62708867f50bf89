package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.flag;

import dev.berth.runtime.container.Create;
import dev.berth.runtime.container.Run;
import dev.berth.runtime.container.Start;
import picocli.CommandLine.Model.CommandSpec;

/** {@code run}: create and start; in the foreground its exit code is the container's. */
final class RunCommand implements RuntimeCommand {
    @Override
    public CommandSpec spec() {
        return CreateCommand.withCreateOptions(command("run", "create and run a container"))
                .addOption(flag("detach from the container's process", "-d", "--detach"))
                .addOption(flag("do not delete the container after it exits", "--keep"));
    }

    @Override
    public int call(Invocation in) throws Exception {
        var ctx = in.context();
        if (in.flag("--detach")) {
            new Create(ctx).create(CreateCommand.options(in, false, true));
            new Start(ctx).start(in.id());
            return 0;
        }
        return new Run(ctx).run(CreateCommand.options(in, true, false), in.flag("--keep"));
    }
}
