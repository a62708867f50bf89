package dev.berth.runtime.cli;

import static dev.berth.runtime.cli.Invocation.Model.command;
import static dev.berth.runtime.cli.Invocation.Model.flag;
import static dev.berth.runtime.cli.Invocation.Model.option;

import dev.berth.oci.runtime.OciJson;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.state.AtomicFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;

/** {@code spec}: write an example config.json into the bundle. */
final class SpecCommand implements RuntimeCommand {
    @Override
    public CommandSpec spec() {
        return command("spec", "create a new specification file")
                .addOption(option(Path.class, ".", "path to the root of the bundle directory", "-b", "--bundle"))
                .addOption(flag("generate a configuration for a rootless container", "--rootless"));
    }

    @Override
    public int call(Invocation in) throws Exception {
        Path bundle = in.value("--bundle");
        boolean rootless = in.flag("--rootless");
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
