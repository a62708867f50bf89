package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.containerId;

import dev.berth.runtime.container.Pause;
import picocli.CommandLine.Model.CommandSpec;

/** {@code pause}: suspend all processes inside the container (cgroup freezer). */
final class PauseCommand implements RuntimeCommand {
    @Override
    public CommandSpec spec() {
        return command("pause", "suspend all processes inside the container").addPositional(containerId());
    }

    @Override
    public int call(Invocation in) throws Exception {
        new Pause(in.context()).pause(in.id());
        return 0;
    }
}
