package dev.berth.runtime.cli;

import dev.berth.runtime.container.Start;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code start}: run the user process of a created container. */
@Command(name = "start", description = "executes the user defined process in a created container")
final class StartCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Override
    public Integer call() throws Exception {
        new Start(main.context()).start(id);
        return 0;
    }
}
