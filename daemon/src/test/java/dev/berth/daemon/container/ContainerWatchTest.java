package dev.berth.daemon.container;

import static org.assertj.core.api.Assertions.assertThat;

import dev.berth.linux.EventFd;
import dev.berth.linux.FifoReader;
import dev.berth.linux.FileNodes;
import dev.berth.linux.Pidfd;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The watch on real fifos, eventfds and pidfds of the test's own {@code sleep} processes (no
 * root needed): output reaches the log, one slow client holds up only its own container's
 * output, and an OOM is reported before the end. Processes are killed by their handles.
 */
class ContainerWatchTest {
    /** How long a wait lasts before the test fails: generous, for a loaded machine. */
    private static final long PATIENCE_MILLIS = 30_000;

    @TempDir
    Path dir;

    private ContainerWatch watch;
    private final List<Process> processes = new ArrayList<>();
    private final List<FifoPump> pumps = new ArrayList<>();
    private final List<Thread> writers = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void start() throws Exception {
        watch = ContainerWatch.start();
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        for (Process p : processes) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        pumps.forEach(FifoPump::drainAndStop);
        for (Thread w : writers) {
            w.join(PATIENCE_MILLIS);
        }
        watch.close();
    }

    @Test
    void outputReachesTheLogAndTheEndReadsWhatIsLeft() throws Exception {
        Output out = output("a");
        Process sleep = sleep();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        watch.follow("a", Pidfd.open((int) sleep.pid()), null, () -> {}, () -> {
            out.pump.drainAndStop();
            ended.complete(null);
        });

        write(out.fifo, "one\n");
        await(() -> lines(out).contains("one"));
        write(out.fifo, "two\n");
        sleep.destroyForcibly();

        ended.get(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
        assertThat(lines(out)).containsExactly("one", "two");
    }

    @Test
    void whatAFifoHeldBeforeItWasWatchedIsDeliveredAndTheRestFollows() throws Exception {
        Path fifo = dir.resolve("early.fifo");
        FileNodes.mkfifo(fifo, 0600);
        // a write end held elsewhere keeps the data in the pipe, as a shim does across a berthd restart
        try (FifoReader held = FifoReader.open(fifo)) {
            write(fifo, "waiting\n");
            Output out = output("early");
            await(() -> lines(out).contains("waiting"));
            write(out.fifo, "later\n");
            await(() -> lines(out).contains("later"));
            assertThat(lines(out)).containsExactly("waiting", "later");
        }
    }

    @Test
    void aClientThatDoesNotReadHoldsUpOnlyItsOwnContainersOutput() throws Exception {
        Output stuck = output("stuck");
        Output free = output("free");
        CopyOnWriteArrayList<String> seen = new CopyOnWriteArrayList<>();
        stuck.output.attach(new ContainerOutput.Sink() {
            @Override
            public void write(int stream, byte[] data, int offset, int length) throws IOException {
                try {
                    release.await(); // a client that does not read: its socket is full
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }

            @Override
            public void end() {}
        });
        free.output.attach(new ContainerOutput.Sink() {
            @Override
            public void write(int stream, byte[] data, int offset, int length) {
                seen.add(new String(data, offset, length, StandardCharsets.UTF_8));
            }

            @Override
            public void end() {}
        });
        byte[] mib = ("x".repeat(1023) + "\n").repeat(1024).getBytes(StandardCharsets.US_ASCII);
        Thread flood = Thread.ofPlatform().start(() -> {
            try (FileOutputStream o = new FileOutputStream(stuck.fifo.toFile())) {
                o.write(mib); // blocks once the pipe is full, as the container's write would
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        writers.add(flood);

        for (int i = 0; i < 3; i++) {
            write(free.fifo, "line " + i + "\n");
            int n = i;
            await(() -> lines(free).contains("line " + n));
        }
        assertThat(String.join("", seen)).isEqualTo("line 0\nline 1\nline 2\n");
        assertThat(flood.isAlive()).as("the flooding writer is held up by its container's client").isTrue();

        release.countDown();
        flood.join(PATIENCE_MILLIS);
        assertThat(flood.isAlive()).isFalse();
        await(() -> Files.size(stuck.log) > (1 << 20)); // its log caught up, the pump back in the watch
    }

    @Test
    void anOomIsReportedAsItHappensAndBeforeTheEnd() throws Exception {
        Process sleep = sleep();
        EventFd oom = EventFd.open();
        List<String> reports = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        watch.follow("c", Pidfd.open((int) sleep.pid()), oom, () -> reports.add("oom"), () -> {
            reports.add("end");
            ended.complete(null);
        });

        oom.signal();
        await(() -> reports.equals(List.of("oom")));
        // a second OOM that ends it: both are ready at once, the OOM is reported first
        oom.signal();
        sleep.destroyForcibly().waitFor(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);

        ended.get(PATIENCE_MILLIS, TimeUnit.MILLISECONDS);
        assertThat(reports).containsExactly("oom", "oom", "end");
    }

    private record Output(Path fifo, Path log, ContainerOutput output, FifoPump pump) {}

    private Output output(String name) throws IOException {
        Path log = dir.resolve(name + ".log");
        ContainerOutput output = new ContainerOutput(JsonFileLog.open(log));
        Path fifo = dir.resolve(name + ".fifo");
        FifoPump pump = FifoPump.start(watch, fifo, ContainerOutput.STDOUT, output);
        pumps.add(pump);
        return new Output(fifo, log, output, pump);
    }

    private Process sleep() throws IOException {
        Process p = new ProcessBuilder("sleep", "300").start();
        processes.add(p);
        return p;
    }

    private static void write(Path fifo, String text) throws IOException {
        try (FileOutputStream o = new FileOutputStream(fifo.toFile())) {
            o.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<String> lines(Output out) throws IOException {
        return JsonFileLog.read(out.log).stream()
                .map(e -> new String(e.data(), StandardCharsets.UTF_8).strip()).toList();
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(Check check) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PATIENCE_MILLIS);
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + PATIENCE_MILLIS + " ms");
            }
            Thread.sleep(10);
        }
    }
}
