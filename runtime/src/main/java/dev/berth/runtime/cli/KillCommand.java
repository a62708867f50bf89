package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.containerId;
import static dev.berth.runtime.cli.Invocation.Model.flag;
import static dev.berth.runtime.cli.Invocation.Model.optional;

import dev.berth.linux.Signals;
import dev.berth.runtime.container.Kill;
import picocli.CommandLine.Model.CommandSpec;

/** {@code kill}: send a signal (default SIGTERM) to the container's init, or to all its processes. */
final class KillCommand implements RuntimeCommand {
    @Override
    public CommandSpec spec() {
        return command("kill", "kill sends the specified signal (default: SIGTERM) to the container's init process")
                .addPositional(containerId())
                .addPositional(optional(1, "<signal>", "SIGTERM"))
                .addOption(flag("send the specified signal to all processes inside the container", "-a", "--all"));
    }

    @Override
    public int call(Invocation in) throws Exception {
        new Kill(in.context()).kill(in.id(), Signals.parse(in.positional(1)), in.flag("--all"));
        return 0;
    }
}
