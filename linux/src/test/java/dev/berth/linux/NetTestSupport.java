package dev.berth.linux;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the network namespace and rtnetlink tests share: running tools and reading namespace links. */
final class NetTestSupport {
    private NetTestSupport() {}

    /** The calling thread's network namespace, {@code net:[4026531840]}. */
    static String threadNamespace() throws IOException {
        return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    }

    /** The network namespaces of all the JVM's threads (/proc/self/task/*), a thread gone meanwhile skipped. */
    static java.util.Set<String> allThreadsNamespaces() throws IOException {
        java.util.Set<String> seen = new java.util.TreeSet<>();
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    seen.add(Files.readSymbolicLink(task.resolve("ns/net")).toString());
                } catch (IOException e) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return seen;
    }

    /** The namespace {@code pin} holds, in the same form. */
    static String pinnedNamespace(Path pin) throws IOException {
        return "net:[" + Files.getAttribute(pin, "unix:ino") + "]";
    }

    /** Runs {@code command}, returns its exit code and output together. */
    static Result run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + List.of(command));
        }
        return new Result(p.exitValue(), out);
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin", tool)) || Files.isExecutable(Path.of("/sbin", tool));
    }

    static String suffix() {
        return Long.toHexString(Double.doubleToLongBits(Math.random())).substring(8, 14);
    }

    record Result(int code, String output) {}
}
