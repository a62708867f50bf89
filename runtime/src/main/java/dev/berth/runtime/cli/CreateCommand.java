package dev.berth.runtime.cli;

import dev.berth.runtime.container.Create;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code create}: set up a container from a bundle, waiting for {@code start}. */
@Command(name = "create", description = "create a container")
final class CreateCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Option(names = {"-b", "--bundle"}, description = "path to the root of the bundle directory")
    Path bundle = Path.of(".");

    @Option(names = "--console-socket", description = "path to an AF_UNIX socket which will receive the pty master")
    Path consoleSocket;

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
        new Create(main.context()).create(new Create.Options(id, bundle, pidFile,
                consoleSocket == null ? null : consoleSocket.toAbsolutePath(), noPivot, preserveFds, false, true));
        return 0;
    }
}
