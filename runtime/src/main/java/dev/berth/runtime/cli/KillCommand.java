package dev.berth.runtime.cli;

import dev.berth.linux.Signals;
import dev.berth.runtime.container.Kill;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code kill}: send a signal (default SIGTERM) to the container's init, or to all its processes. */
@Command(name = "kill", description = "kill sends the specified signal (default: SIGTERM) to the container's init process")
final class KillCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Parameters(index = "1", arity = "0..1", paramLabel = "<signal>")
    String signal = "SIGTERM";

    @Option(names = {"-a", "--all"}, description = "send the specified signal to all processes inside the container")
    boolean all;

    @Override
    public Integer call() throws Exception {
        new Kill(main.context()).kill(id, Signals.parse(signal), all);
        return 0;
    }
}
