package dev.berth.daemon.container;

import dev.berth.daemon.api.container.ContainerBackend;
import dev.berth.daemon.api.exec.ExecRequest;
import dev.berth.daemon.http.ApiException;
import dev.berth.oci.runtime.InvalidSpecException;
import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.RuntimeFailure;
import dev.berth.runtime.container.Create;
import dev.berth.runtime.container.Exec;
import dev.berth.runtime.container.RuntimeContext;
import dev.berth.runtime.shim.ShimException;
import dev.berth.runtime.shim.ShimProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * One exec instance: created by {@code POST /containers/{id}/exec}, run at most once by a start.
 * The process runs under a shim of its own (monitor mode, joining the container's namespaces and
 * cgroups), whose stdio are pipes to berthd: berthd copies the client's input in and the output
 * out, framed by the caller's sink. With a terminal the shim holds the pty master and copies
 * between it and those pipes, so resizing goes to the shim. An exec does not outlive berthd's
 * pipes; a container's end ends its execs with it (the kernel kills a pid namespace's processes
 * when its init dies).
 */
final class ExecProcess {
    private final String id;
    private final String containerId;
    private final ExecRequest request;
    private final DetachKeys keys;
    private boolean claimed;
    private volatile boolean running;
    private volatile Integer exitCode;
    private volatile int pid;
    private volatile ShimProcess shim;
    private volatile int[] size;

    ExecProcess(String id, String containerId, ExecRequest request) {
        this.id = id;
        this.containerId = containerId;
        this.request = request;
        this.keys = DetachKeys.parse(request.detachKeys());
        List<Integer> s = request.consoleSize();
        this.size = s != null && s.size() == 2 && s.get(0) > 0 && s.get(1) > 0 ? new int[] {s.get(0), s.get(1)} : null;
    }

    String id() {
        return id;
    }

    String containerId() {
        return containerId;
    }

    ExecRequest request() {
        return request;
    }

    boolean running() {
        return running;
    }

    Integer exitCode() {
        return exitCode;
    }

    int pid() {
        return pid;
    }

    /** The terminal's size as last asked for ({@code [height, width]}), or null. */
    int[] size() {
        return size;
    }

    /** Reserves this instance for one start: dockerd refuses a second. */
    synchronized void claim() {
        if (claimed) {
            throw ApiException.conflict(exitCode != null ? "exec command " + id + " has already run"
                    : "Error: Exec command " + id + " is already running");
        }
        claimed = true;
    }

    /** Resizes the terminal; before the start the size is kept for it. */
    void resize(int height, int width) {
        size = new int[] {height, width};
        ShimProcess s = shim;
        if (s != null && running && request.isTty()) {
            try {
                s.resize(height, width);
            } catch (IOException e) {
                // the exec ended meanwhile; nothing left to resize
            }
        }
    }

    /** Kills the process (a health probe past its timeout); one that already ended is left be. */
    void kill() {
        ShimProcess s = shim;
        if (s != null && running) {
            try {
                s.signal(9);
            } catch (IOException e) {
                // it ended meanwhile
            }
        }
    }

    /** What an exec's life tells the service: it started, it ended with a code. */
    interface Lifecycle {
        void started(ExecProcess exec);

        void ended(ExecProcess exec, int code);
    }

    /**
     * Starts {@code process}. With {@code sink} the output goes there and this returns once the
     * exec ended (or the client detached); without, it returns once the process runs, and the
     * end is followed on a thread of its own. A process that cannot start ends with dockerd's
     * 126 (or 127 for a missing command) and its message on the sink; detached, it is thrown.
     */
    void run(RuntimeContext runtime, Spec.Process process, InputStream stdin, ContainerBackend.AttachSink sink,
            Lifecycle lifecycle) {
        ProcessBuilder.Redirect pipe = ProcessBuilder.Redirect.PIPE;
        Create.Monitored monitored;
        try {
            monitored = new Exec(runtime).startMonitored(
                    new Exec.Options(containerId, process, null, null, false, 0), pipe, pipe, pipe);
        } catch (RuntimeFailure | IOException | RuntimeException e) {
            fail(e, sink, lifecycle);
            return;
        }
        shim = monitored.shim();
        pid = monitored.pid();
        running = true;
        int[] s = size;
        if (request.isTty() && s != null) {
            resize(s[0], s[1]); // a resize that came between the launch and now
        }
        lifecycle.started(this);
        Process p = monitored.shim().process();
        Output output = new Output(sink);
        Thread out = Thread.ofVirtual().name("exec-out-" + id.substring(0, 12))
                .start(() -> output.copy(p.getInputStream(), ContainerOutput.STDOUT));
        Thread err = Thread.ofVirtual().name("exec-err-" + id.substring(0, 12))
                .start(() -> output.copy(p.getErrorStream(), ContainerOutput.STDERR));
        feedInput(p, stdin, output);
        Runnable follow = () -> {
            int code = awaitExit(monitored.shim());
            joinQuietly(out);
            joinQuietly(err);
            closeQuietly(p.getOutputStream());
            exitCode = code;
            running = false;
            lifecycle.ended(this, code);
            output.end();
        };
        Thread.ofVirtual().name("exec-" + id.substring(0, 12)).start(follow);
        if (sink != null) {
            output.awaitEnd();
        }
    }

    /** The client's input to the process: with a terminal up to the detach keys; without, to its end, then EOF. */
    private void feedInput(Process p, InputStream stdin, Output output) {
        OutputStream in = p.getOutputStream();
        if (stdin == null || !request.stdin()) {
            if (!request.isTty()) {
                closeQuietly(in); // a pty has no end of input but VEOF, which would end a shell: left open
            }
            return;
        }
        Thread.ofVirtual().name("exec-in-" + id.substring(0, 12)).start(() -> {
            InputStream from = request.isTty() ? keys.filter(stdin) : stdin;
            byte[] buffer = new byte[32 << 10];
            try {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    in.write(buffer, 0, n);
                    in.flush();
                }
            } catch (IOException e) {
                // the client or the process went away
            }
            if (request.isTty()) {
                output.end(); // dockerd: on a terminal, the client's end of input ends its attachment only
            } else {
                closeQuietly(in);
            }
        });
    }

    /**
     * A start that failed: the exec ends with 126 (127 for a missing command). Attached, the
     * message goes down the stream as dockerd writes it; detached, it is thrown.
     */
    void fail(Exception e, ContainerBackend.AttachSink sink, Lifecycle lifecycle) {
        boolean notFound = e instanceof RuntimeFailure && e.getCause() instanceof InvalidSpecException;
        String message = e instanceof ApiException ? e.getMessage() : message(e, notFound);
        int code = notFound ? 127 : 126;
        exitCode = code;
        running = false;
        lifecycle.ended(this, code);
        if (sink == null) {
            if (e instanceof ApiException api) {
                throw api;
            }
            throw new ApiException(notFound ? dev.berth.daemon.http.ErrorKind.INVALID_ARGUMENT
                    : dev.berth.daemon.http.ErrorKind.INTERNAL, message, e);
        }
        byte[] text = (message + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            sink.write(ContainerOutput.STDOUT, text, 0, text.length);
        } catch (IOException ignored) {
            // the client went away
        }
        sink.end();
    }

    /** dockerd's (containerd's, runc's) words, which make the docker CLI exit 126 or 127. */
    private String message(Exception e, boolean notFound) {
        String why = notFound ? "exec: \"" + request.cmd().getFirst() + "\": executable file not found in $PATH"
                : e.getMessage();
        return "OCI runtime exec failed: exec failed: unable to start container process: " + why + ": unknown";
    }

    private static int awaitExit(ShimProcess shim) {
        int status;
        try {
            status = shim.awaitExit();
        } catch (ShimException e) {
            status = 126 << 8;
        } catch (IOException e) {
            try {
                status = shim.process().waitFor() << 8;
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                status = 255 << 8;
            }
        }
        try {
            shim.close();
        } catch (IOException ignored) {
            // the shim has exited
        }
        return new ContainerRunner.Exit(status, null).code();
    }

    private static void joinQuietly(Thread t) {
        try {
            // a background child of the exec may hold its output open; its end is not waited for long
            t.join(java.time.Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    /** The attached client, until the exec ends or the client leaves; the output is read either way. */
    private final class Output {
        private final ContainerBackend.AttachSink sink;
        private final java.util.concurrent.CompletableFuture<Void> ended = new java.util.concurrent.CompletableFuture<>();

        Output(ContainerBackend.AttachSink sink) {
            this.sink = sink;
            if (sink != null) {
                sink.onCancel(this::end);
            }
        }

        void copy(InputStream from, int stream) {
            byte[] buffer = new byte[32 << 10];
            try (from) {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    boolean wanted = stream == ContainerOutput.STDERR ? request.stderr() : request.stdout();
                    if (sink != null && wanted && !ended.isDone()) {
                        try {
                            sink.write(stream, buffer, 0, n);
                        } catch (IOException e) {
                            end(); // the client went away; the process runs on, its output read and dropped
                        }
                    }
                }
            } catch (IOException e) {
                // the shim closed its end
            }
        }

        void end() {
            if (ended.complete(null) && sink != null) {
                sink.end();
            }
        }

        void awaitEnd() {
            ended.join();
        }
    }
}
