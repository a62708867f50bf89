package dev.berth.runtime.cli;

import dev.berth.runtime.container.Create;
import dev.berth.runtime.container.Run;
import dev.berth.runtime.container.Start;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code run}: create and start; in the foreground its exit code is the container's. */
@Command(name = "run", description = "create and run a container")
final class RunCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Option(names = {"-b", "--bundle"}, description = "path to the root of the bundle directory")
    Path bundle = Path.of(".");

    @Option(names = "--console-socket", description = "path to an AF_UNIX socket which will receive the pty master")
    Path consoleSocket;

    @Option(names = {"-d", "--detach"}, description = "detach from the container's process")
    boolean detach;

    @Option(names = "--keep", description = "do not delete the container after it exits")
    boolean keep;

    @Option(names = "--pid-file", description = "file to write the process id to")
    Path pidFile;

    @Option(names = "--no-pivot", description = "do not use pivot root to jail process inside rootfs")
    boolean noPivot;

    @Option(names = "--no-new-keyring", description = "do not create a new session keyring (always the case)")
    boolean noNewKeyring;

    @Option(names = "--preserve-fds", description = "pass N additional file descriptors to the container")
    int preserveFds;

    @Override
    public Integer call() throws Exception {
        var ctx = main.context();
        Path socket = consoleSocket == null ? null : consoleSocket.toAbsolutePath();
        if (detach) {
            new Create(ctx).create(new Create.Options(id, bundle, pidFile, socket, noPivot, preserveFds, false, true));
            new Start(ctx).start(id);
            return 0;
        }
        return new Run(ctx).run(new Create.Options(id, bundle, pidFile, socket, noPivot, preserveFds, true, false), keep);
    }
}
