package dev.berth.runtime.cli;

import dev.berth.runtime.container.Pause;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code pause}: suspend all processes inside the container (cgroup freezer). */
@Command(name = "pause", description = "suspend all processes inside the container")
final class PauseCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Override
    public Integer call() throws Exception {
        new Pause(main.context()).pause(id);
        return 0;
    }
}
