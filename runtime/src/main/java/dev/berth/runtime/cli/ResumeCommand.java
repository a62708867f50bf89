package dev.berth.runtime.cli;

import dev.berth.runtime.container.Pause;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code resume}: resume all processes that have been previously paused (cgroup freezer). */
@Command(name = "resume", description = "resume all processes that have been previously paused")
final class ResumeCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Override
    public Integer call() throws Exception {
        new Pause(main.context()).resume(id);
        return 0;
    }
}
