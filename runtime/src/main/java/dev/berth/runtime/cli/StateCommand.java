package dev.berth.runtime.cli;

import dev.berth.oci.runtime.OciJson;
import dev.berth.runtime.container.Container;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code state}: print the container's state JSON. */
@Command(name = "state", description = "output the state of a container")
final class StateCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Override
    public Integer call() throws Exception {
        Container c = Container.load(main.context(), id);
        System.out.println(OciJson.writePretty(ContainerView.of(c)));
        return 0;
    }
}
