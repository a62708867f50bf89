package dev.berth.daemon.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A berthd started through {@code bin/berthd} (the real launcher) with a test's own data root,
 * exec root and socket. Stopping it sends SIGTERM to this process only (its handle, never a
 * name); {@link #close()} kills it if it did not stop, so a failing test leaves nothing behind.
 */
public final class BerthdProcess implements AutoCloseable {
    private static final Pattern TCP_LISTEN = Pattern.compile("API listen on ([0-9.]+):(\\d+)");

    private final Process process;
    private final Path dir;
    private final Path log;
    public final Path socket;
    public final Path dataRoot;
    public final Path execRoot;

    private BerthdProcess(Process process, Path dir, Path log, Path socket, Path dataRoot, Path execRoot) {
        this.process = process;
        this.dir = dir;
        this.log = log;
        this.socket = socket;
        this.dataRoot = dataRoot;
        this.execRoot = execRoot;
    }

    public static Path home() {
        String h = System.getProperty("berth.home");
        return h != null ? Path.of(h) : Path.of("").toAbsolutePath().getParent();
    }

    public static Path launcher() {
        return home().resolve("bin/berthd");
    }

    /**
     * Starts a daemon in {@code dir} (socket {@code dir/berth.sock}, roots {@code dir/data} and
     * {@code dir/exec}) with extra flags, and waits until it answers {@code /_ping}. Without a
     * {@code --bridge} among them it gets {@code --bridge none}: daemons side by side must not
     * share the host's {@code berth0}; network tests give each its own bridge and subnets.
     */
    public static BerthdProcess start(Path dir, String... extraArgs) throws IOException, InterruptedException {
        return start(dir, java.util.Map.of(), extraArgs);
    }

    /** The same with more environment variables (bin/berthd takes no JVM options; test-only settings come this way). */
    public static BerthdProcess start(Path dir, java.util.Map<String, String> env, String... extraArgs)
            throws IOException, InterruptedException {
        Path socket = dir.resolve("berth.sock");
        List<String> args = new ArrayList<>(List.of("-H", "unix://" + socket, "--data-root", dir.resolve("data").toString(),
                "--exec-root", dir.resolve("exec").toString()));
        args.addAll(List.of(extraArgs));
        BerthdProcess p = launch(dir, args, env);
        p.awaitReady(socket);
        return p;
    }

    /**
     * Starts {@code bin/berthd} with these arguments (and {@code --bridge none} unless they name a
     * bridge), without waiting for anything.
     */
    public static BerthdProcess launch(Path dir, List<String> args) throws IOException {
        return launch(dir, args, java.util.Map.of());
    }

    private static BerthdProcess launch(Path dir, List<String> args, java.util.Map<String, String> env) throws IOException {
        Files.createDirectories(dir);
        Path log = Files.createTempFile(dir, "berthd", ".log");
        List<String> cmd = new ArrayList<>();
        cmd.add(launcher().toString());
        cmd.addAll(args);
        if (!args.contains("--bridge") && !args.contains("-b")) {
            // even a daemon that is meant to fail may get as far as making the default bridge
            cmd.addAll(List.of("--bridge", "none"));
        }
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        Process process = builder.start();
        return new BerthdProcess(process, dir, log, dir.resolve("berth.sock"), dir.resolve("data"), dir.resolve("exec"));
    }

    /** Runs {@code bin/berthd} with arguments that should make it fail, and returns its exit code and output. */
    public static Result runToExit(Path dir, String... args) throws IOException, InterruptedException {
        try (BerthdProcess p = launch(dir, List.of(args))) {
            if (!p.process.waitFor(60, TimeUnit.SECONDS)) {
                throw new AssertionError("berthd " + String.join(" ", args) + " did not exit; log:\n" + p.log());
            }
            return new Result(p.process.exitValue(), p.log());
        }
    }

    public record Result(int exit, String output) {}

    /** Waits until the daemon answers {@code /_ping} on {@code socket}, or fails with its log. */
    public void awaitReady(Path socket) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("berthd exited with " + process.exitValue() + " while starting; log:\n" + log());
            }
            if (Files.exists(socket)) {
                try {
                    if (RawHttp.call(socket, "GET", "/_ping").status() == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not yet
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("berthd did not answer on " + socket + " within 60s; log:\n" + log());
    }

    /** The port of the first TCP listener, from the daemon's "API listen on" line. */
    public int tcpPort() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            Matcher m = TCP_LISTEN.matcher(log());
            if (m.find()) {
                return Integer.parseInt(m.group(2));
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no tcp listener in the log:\n" + log());
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    public String log() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGTERM, then waits for the exit; returns the exit code. */
    public int terminate(Duration timeout) throws InterruptedException, IOException {
        process.destroy();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("berthd did not stop within " + timeout + " of SIGTERM; log:\n" + log());
        }
        return process.exitValue();
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    public Path dir() {
        return dir;
    }
}
