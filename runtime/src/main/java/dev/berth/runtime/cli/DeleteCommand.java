package dev.berth.runtime.cli;

import dev.berth.runtime.container.Delete;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code delete}: remove a container and everything the runtime made for it. */
@Command(name = "delete", description = "delete any resources held by the container")
final class DeleteCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Option(names = {"-f", "--force"}, description = "forcibly delete the container if it is still running (uses SIGKILL)")
    boolean force;

    @Override
    public Integer call() throws Exception {
        new Delete(main.context()).delete(id, force);
        return 0;
    }
}
