package dev.berth.runtime.container;

import dev.berth.oci.runtime.Spec;
import dev.berth.runtime.ProcInfo;
import dev.berth.runtime.RuntimeFailure;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code start}: releases a created container's process by opening its exec fifo for reading
 * (the process is blocked opening it for writing), then runs the poststart hooks.
 */
public final class Start {
    private final RuntimeContext ctx;

    public Start(RuntimeContext ctx) {
        this.ctx = ctx;
    }

    public void start(String id) throws RuntimeFailure, IOException {
        Container c = Container.load(ctx, id);
        switch (c.status()) {
            case CREATED -> { }
            case STOPPED -> throw new RuntimeFailure("cannot start a container that has stopped");
            default -> throw new RuntimeFailure("cannot start an already running container");
        }
        Path fifo = c.dir().resolve("exec.fifo");
        releaseFifo(fifo, c);
        Spec spec = ctx.store().loadSpec(id);
        if (spec.hooks() != null) {
            Hooks.runLogged("poststart", spec.hooks().poststart(),
                    Hooks.state(spec, id, "running", c.pid(), Path.of(c.record().bundle())));
        }
    }

    /**
     * Opening a fifo for reading blocks until a writer comes; if the process died instead, it
     * never comes, so the open runs on another thread while this one watches the process.
     */
    private static void releaseFifo(Path fifo, Container c) throws RuntimeFailure, IOException {
        var exec = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<Integer> read = exec.submit(() -> {
                try (InputStream in = Files.newInputStream(fifo)) {
                    return in.read();
                }
            });
            while (true) {
                try {
                    int b = read.get(10, TimeUnit.MILLISECONDS);
                    if (b < 0) {
                        throw new RuntimeFailure("container " + c.id() + " exited before it was started");
                    }
                    Files.deleteIfExists(fifo);
                    return;
                } catch (TimeoutException e) {
                    if (!ProcInfo.alive(c.pid(), c.record().pidStartTime())) {
                        // Unblock the reader thread by opening the write side ourselves.
                        try (var w = Files.newOutputStream(fifo)) {
                            // nothing to write: closing gives the reader EOF
                        }
                        Files.deleteIfExists(fifo);
                        throw new RuntimeFailure("container " + c.id() + " exited before it was started");
                    }
                } catch (ExecutionException e) {
                    throw new RuntimeFailure("open exec fifo " + fifo + ": " + e.getCause().getMessage(), e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RuntimeFailure("interrupted while starting " + c.id());
                }
            }
        } finally {
            exec.shutdownNow();
        }
    }
}
