package dev.berth.runtime.cli;

import dev.berth.oci.runtime.OciJson;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.state.AtomicFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code spec}: write an example config.json into the bundle. */
@Command(name = "spec", description = "create a new specification file")
final class SpecCommand implements Callable<Integer> {
    @ParentCommand
    Main main;

    @Option(names = {"-b", "--bundle"}, description = "path to the root of the bundle directory")
    Path bundle = Path.of(".");

    @Option(names = "--rootless", description = "generate a configuration for a rootless container")
    boolean rootless;

    @Override
    public Integer call() throws Exception {
        Path config = bundle.resolve("config.json");
        if (Files.exists(config)) {
            throw new RuntimeFailure("spec: " + config + " exists; remove it first");
        }
        if (!Files.isDirectory(bundle)) {
            throw new RuntimeFailure("spec: bundle " + bundle + " is not a directory");
        }
        var uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        var gid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        String json = OciJson.writePretty(ExampleSpec.create(rootless, uid, gid));
        AtomicFile.write(config, (json + "\n").getBytes(StandardCharsets.UTF_8));
        return 0;
    }
}
