package dev.berth.runtime.container;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.linux.FileNodes;
import dev.berth.linux.Signals;
import dev.berth.linux.testing.RequiresRoot;
import dev.berth.runtime.state.StateStore;
import dev.berth.runtime.testing.Cli;
import dev.berth.runtime.testing.Leftovers;
import dev.berth.runtime.testing.TestBundle;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitored container whose stdout is a named fifo, as berthd will run it, outlives its reader
 * going away (berthd stopped or killed for a live restore) only when the shim holds the fifo's
 * output open: then the write made while nobody reads succeeds and waits in the fifo for the
 * next reader. Without it the same write kills the container with SIGPIPE.
 */
@RequiresRoot
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HoldOutputIT {
    /** Each step waits for the test's marker in the container's /tmp, so nothing rests on timing. */
    private static final String SCRIPT = "echo one; until [ -e /tmp/closed ]; do sleep 0.05; done;"
            + " echo two; touch /tmp/wrote; until [ -e /tmp/reopened ]; do sleep 0.05; done";

    @TempDir
    Path tmp;

    private final String id = "hold-" + UUID.randomUUID().toString().substring(0, 8);
    private RuntimeContext ctx;
    private TestBundle bundle;
    private Path fifo;
    private Launch.Started started;

    @BeforeEach
    void setUp() throws Exception {
        ctx = new RuntimeContext(new StateStore(tmp.resolve("state")),
                Cli.home().resolve("native/shim/build/berth-shim"));
        // Writable for the markers, and no pid namespace: a namespace's init is spared the
        // SIGPIPE of its own writes (pid_namespaces(7)) and would only see EPIPE.
        bundle = TestBundle.busybox(tmp.resolve("bundle"), "sh", "-c", SCRIPT).json(j -> {
            ((ObjectNode) j.get("root")).put("readonly", false);
            var namespaces = (ArrayNode) j.get("linux").get("namespaces");
            for (int i = namespaces.size() - 1; i >= 0; i--) {
                if (namespaces.get(i).get("type").asText().equals("pid")) {
                    namespaces.remove(i);
                }
            }
        });
        fifo = tmp.resolve("stdout.fifo");
        FileNodes.mkfifo(fifo, 0600);
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            new Delete(ctx).delete(id, true);
        } finally {
            if (started != null) {
                started.shim().close();
                Process shim = started.shim().process();
                if (!shim.waitFor(5, TimeUnit.SECONDS)) {
                    shim.destroyForcibly().waitFor();
                }
            }
        }
        assertThat(Leftovers.cgroups(id)).isEmpty();
    }

    @Test
    void heldOutputKeepsTheContainerWritingWhileNobodyReads() throws Exception {
        InputStream reader = startWithStdoutTo(true);
        assertThat(readLine(reader)).isEqualTo("one");
        reader.close();
        touch("closed");

        awaitMarker("wrote");
        assertThat(readEndsOfFifo(started.shim().process().pid())).as("the shim's held read ends").isPositive();
        assertThat(readEndsOfFifo(started.pid())).as("read ends the container inherited").isZero();
        try (InputStream next = new FileInputStream(fifo.toFile())) {
            assertThat(readLine(next)).isEqualTo("two");
        }
        touch("reopened");
        assertThat(started.shim().awaitExit()).isZero();
        assertThat(Files.readString(ctx.store().dir(id).resolve("exit"))).isEqualTo("0");
    }

    @Test
    void withoutItTheFirstWriteAfterTheReaderLeftKillsTheContainer() throws Exception {
        InputStream reader = startWithStdoutTo(false);
        assertThat(readLine(reader)).isEqualTo("one");
        reader.close();
        touch("closed");

        assertThat(started.shim().awaitExit()).isEqualTo(Signals.SIGPIPE);
        assertThat(Files.readString(ctx.store().dir(id).resolve("exit")))
                .isEqualTo(Integer.toString(Signals.SIGPIPE));
        assertThat(bundle.rootfs().resolve("tmp/wrote")).doesNotExist();
    }

    /** Creates the container in monitor mode with the fifo as its stdout; returns the fifo's read end. */
    private InputStream startWithStdoutTo(boolean holdOutput) throws Exception {
        InputStream reader;
        // Opening one end of a fifo blocks until the other is open (fifo(7)), except O_RDWR:
        // it stands in as the writer while the real reader opens, and goes before the shim starts.
        try (RandomAccessFile standIn = new RandomAccessFile(fifo.toFile(), "rw")) {
            reader = new FileInputStream(fifo.toFile());
        }
        var options = new Create.Options(id, bundle.path(), null, null, false, 0, true, false, holdOutput);
        started = new Create(ctx).createParsed(options, ProcessBuilder.Redirect.from(new File("/dev/null")),
                ProcessBuilder.Redirect.to(fifo.toFile()), ProcessBuilder.Redirect.INHERIT).launch();
        return reader;
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c; (c = in.read()) != -1 && c != '\n';) {
            line.write(c);
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    /** How many of the process's descriptors are read-only opens of the fifo (/proc/pid/fdinfo). */
    private long readEndsOfFifo(long pid) throws IOException {
        long n = 0;
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                if (!Files.readSymbolicLink(fd).equals(fifo)) {
                    continue;
                }
                String flags = Files.readAllLines(Path.of("/proc", Long.toString(pid), "fdinfo",
                        fd.getFileName().toString())).stream()
                        .filter(l -> l.startsWith("flags:")).findFirst().orElseThrow().substring(6).trim();
                if ((Integer.parseInt(flags, 8) & 3) == 0) { // O_ACCMODE == O_RDONLY
                    n++;
                }
            }
        }
        return n;
    }

    private void touch(String marker) throws IOException {
        Files.createFile(bundle.rootfs().resolve("tmp").resolve(marker));
    }

    private void awaitMarker(String marker) throws InterruptedException {
        Path p = bundle.rootfs().resolve("tmp").resolve(marker);
        for (int i = 0; i < 400 && !Files.exists(p); i++) {
            Thread.sleep(25);
        }
        assertThat(p).as("the container's marker %s", marker).exists();
    }
}
