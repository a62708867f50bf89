package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.containerId;

import dev.berth.runtime.container.Start;
import picocli.CommandLine.Model.CommandSpec;

/** {@code start}: run the user process of a created container. */
final class StartCommand implements RuntimeCommand {
    @Override
    public CommandSpec spec() {
        return command("start", "executes the user defined process in a created container").addPositional(containerId());
    }

    @Override
    public int call(Invocation in) throws Exception {
        new Start(in.context()).start(in.id());
        return 0;
    }
}
