package dev.berth.daemon.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real docker CLI against a daemon, with its own empty config directory (so the
 * machine's contexts and credentials play no part) and output collected.
 */
public final class DockerCli {
    private final String host;
    private final Path configDir;

    public DockerCli(String host, Path configDir) {
        this.host = host;
        this.configDir = configDir;
    }

    /** The docker binary, or null. */
    public static Path binary() {
        String path = System.getenv("PATH");
        List<String> dirs = new ArrayList<>();
        dirs.add("/usr/local/bin");
        if (path != null) {
            dirs.addAll(List.of(path.split(File.pathSeparator)));
        }
        for (String d : dirs) {
            Path p = Path.of(d, "docker");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    public record Result(int exit, String out, String err) {
        public Result ok() {
            if (exit != 0) {
                throw new AssertionError("docker failed with exit " + exit + "\nstdout: " + out + "\nstderr: " + err);
            }
            return this;
        }
    }

    public Result run(String... args) throws IOException, InterruptedException {
        return run(Map.of(), args);
    }

    public Result run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(env, null, args);
    }

    /** Runs the CLI with {@code input} as its stdin (a file, so the CLI sees a plain end of input). */
    public Result runWithInput(String input, String... args) throws IOException, InterruptedException {
        Path in = Files.createTempFile("docker-in", ".txt");
        try {
            Files.writeString(in, input, StandardCharsets.UTF_8);
            return run(Map.of(), in, args);
        } finally {
            Files.deleteIfExists(in);
        }
    }

    /** Runs the CLI with the file {@code input} as its stdin: bytes, such as a tar for {@code docker cp -}. */
    public Result runWithInput(Path input, String... args) throws IOException, InterruptedException {
        return run(Map.of(), input, args);
    }

    private Result run(Map<String, String> env, Path input, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(binary().toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("docker-out", ".txt");
        Path err = Files.createTempFile("docker-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(input != null ? input.toFile() : new File("/dev/null")));
            pb.environment().keySet().removeIf(k -> k.startsWith("DOCKER_"));
            if (host != null) {
                pb.environment().put("DOCKER_HOST", host);
            }
            pb.environment().put("DOCKER_CONFIG", configDir.toString());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("docker " + String.join(" ", args) + " did not finish in 60s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
