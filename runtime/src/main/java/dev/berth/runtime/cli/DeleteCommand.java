package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.containerId;
import static dev.berth.runtime.cli.Invocation.Model.flag;

import dev.berth.runtime.container.Delete;
import picocli.CommandLine.Model.CommandSpec;

/** {@code delete}: remove a container and everything the runtime made for it. */
final class DeleteCommand implements RuntimeCommand {
    @Override
    public CommandSpec spec() {
        return command("delete", "delete any resources held by the container")
                .addPositional(containerId())
                .addOption(flag("forcibly delete the container if it is still running (uses SIGKILL)", "-f", "--force"));
    }

    @Override
    public int call(Invocation in) throws Exception {
        new Delete(in.context()).delete(in.id(), in.flag("--force"));
        return 0;
    }
}
