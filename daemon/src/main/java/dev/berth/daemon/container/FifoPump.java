package dev.berth.daemon.container;

import dev.berth.linux.FileNodes;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Reads one of a container's output fifos on a thread of its own and hands the bytes to its
 * {@link ContainerOutput}. The fifo is opened read-write: opening it for reading alone would
 * block until the shim opens it for writing, and holding a write end of our own means the
 * pipe never reports end-of-file on its own, so the end is decided here ({@link #drainAndStop})
 * once the container is known to have exited and the pipe is empty.
 */
final class FifoPump implements Runnable {
    private final Path fifo;
    private final int stream;
    private final ContainerOutput output;
    private final RandomAccessFile file;
    private final FileChannel channel;
    private final Thread thread;

    private FifoPump(Path fifo, int stream, ContainerOutput output, RandomAccessFile file) {
        this.fifo = fifo;
        this.stream = stream;
        this.output = output;
        this.file = file;
        this.channel = file.getChannel();
        this.thread = Thread.ofPlatform().daemon().name("output-" + fifo.getParent().getFileName() + "-" + stream)
                .unstarted(this);
    }

    /** Makes {@code fifo} (if missing), opens it and starts pumping it into {@code output}. */
    static FifoPump start(Path fifo, int stream, ContainerOutput output) throws IOException {
        if (!java.nio.file.Files.exists(fifo)) {
            FileNodes.mkfifo(fifo, 0600);
        }
        FifoPump pump = new FifoPump(fifo, stream, output, new RandomAccessFile(fifo.toFile(), "rw"));
        pump.thread.start();
        return pump;
    }

    @Override
    public void run() {
        ByteBuffer buffer = ByteBuffer.allocate(32 << 10);
        try {
            while (true) {
                buffer.clear();
                int n = channel.read(buffer);
                if (n < 0) {
                    break;
                }
                output.deliver(stream, buffer.array(), n);
            }
        } catch (ClosedChannelException e) {
            // drainAndStop: everything the container wrote was read
        } catch (IOException e) {
            System.getLogger(FifoPump.class.getName()).log(System.Logger.Level.WARNING,
                    "reading " + fifo + ": " + e.getMessage());
        } finally {
            output.endStream(stream);
        }
    }

    /** After the container exited: waits until the pipe is empty, then ends the pump. */
    void drainAndStop() {
        try {
            // shares the descriptor, for FIONREAD; closing the file below closes it
            @SuppressWarnings("resource")
            FileInputStream probe = new FileInputStream(file.getFD());
            for (int i = 0; i < 500 && probe.available() > 0; i++) {
                Thread.sleep(2);
            }
        } catch (IOException e) {
            // closed already
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            file.close();
            thread.join(5000);
        } catch (IOException e) {
            // closing a fifo we only read
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Path fifo() {
        return fifo;
    }
}
