package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.containerId;

import dev.berth.runtime.container.Container;
import picocli.CommandLine.Model.CommandSpec;

/** {@code state}: print the container's state JSON. */
final class StateCommand implements RuntimeCommand {
    @Override
    public CommandSpec spec() {
        return command("state", "output the state of a container").addPositional(containerId());
    }

    @Override
    public int call(Invocation in) throws Exception {
        Container c = Container.load(in.context(), in.id());
        System.out.println(ContainerView.of(c).toPrettyJson());
        return 0;
    }
}
