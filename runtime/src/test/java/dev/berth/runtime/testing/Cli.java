package dev.berth.runtime.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code bin/berth-runtime} (the real launcher, as a caller such as podman would) against a
 * test's own state root, and collects its output and exit code.
 */
public final class Cli {
    private final Path root;

    public Cli(Path root) {
        this.root = root;
    }

    public static Path home() {
        String h = System.getProperty("berth.home");
        Path p = h != null ? Path.of(h) : Path.of("").toAbsolutePath().getParent();
        return p;
    }

    public static Path launcher() {
        return home().resolve("bin/berth-runtime");
    }

    public Path root() {
        return root;
    }

    /** A finished command. */
    public record Result(int exit, String out, String err) {
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError("berth-runtime failed with " + exit + ": " + err + out);
            }
            return this;
        }
    }

    public Result run(String... args) throws IOException, InterruptedException {
        return run(null, args);
    }

    /** Runs with stdin from {@code input} (null for none). */
    public Result run(byte[] input, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(launcher().toString(), "--root", root.toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("berth-out", ".txt");
        Path err = Files.createTempFile("berth-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            if (input == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.start();
            if (input != null) {
                try (var in = p.getOutputStream()) {
                    in.write(input);
                }
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("berth-runtime " + String.join(" ", args) + " did not finish in 60s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
