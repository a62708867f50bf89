package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.containerId;

import dev.berth.runtime.container.Pause;
import picocli.CommandLine.Model.CommandSpec;

/** {@code resume}: resume all processes that have been previously paused (cgroup freezer). */
final class ResumeCommand implements RuntimeCommand {
    @Override
    public CommandSpec spec() {
        return command("resume", "resume all processes that have been previously paused").addPositional(containerId());
    }

    @Override
    public int call(Invocation in) throws Exception {
        new Pause(in.context()).resume(in.id());
        return 0;
    }
}
