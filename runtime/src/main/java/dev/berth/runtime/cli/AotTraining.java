package dev.berth.runtime.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training workload for the launcher's AOT cache ({@code scripts/aot-train}): the commands
 * a caller runs most, in process, against a throwaway state root. Every class loaded here is
 * loaded again at each start of the CLI, so it runs only the container lifecycle, on a
 * {@code config.json} that the script made beforehand with {@code spec}. When run as root with
 * busybox-static installed it runs real containers, so the cache covers planning, the shim
 * protocol and state writing.
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        Path root = work.resolve("state");
        Path bundle = work.resolve("bundle");
        PrintStream out = System.out;
        Main.execute("--root", root.toString(), "list");
        Main.execute("--root", root.toString(), "state", "missing");
        Path busybox = Path.of("/bin/busybox");
        if (Files.isExecutable(busybox) && "root".equals(System.getProperty("user.name"))) {
            Path bin = bundle.resolve("rootfs/bin");
            Files.createDirectories(bin);
            Files.copy(busybox, bin.resolve("busybox"));
            Files.createSymbolicLink(bin.resolve("sh"), Path.of("busybox"));
            Files.createSymbolicLink(bin.resolve("true"), Path.of("busybox"));
            String b = bundle.toString();
            Main.execute("--root", root.toString(), "run", "--bundle", b, "train-run");
            Main.execute("--root", root.toString(), "create", "--bundle", b, "train");
            Main.execute("--root", root.toString(), "state", "train");
            Main.execute("--root", root.toString(), "list", "--format", "json");
            Main.execute("--root", root.toString(), "start", "train");
            Main.execute("--root", root.toString(), "kill", "train", "KILL");
            Main.execute("--root", root.toString(), "delete", "--force", "train");
        }
        out.flush();
    }
}
