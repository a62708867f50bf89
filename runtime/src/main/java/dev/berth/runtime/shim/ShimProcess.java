package dev.berth.runtime.shim;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One running {@code berth-shim} and the Java end of its control socket
 * ({@code native/shim/PLAN.md}, "Control messages"). The shim is spawned with the caller's
 * stdio, so the container inherits the terminal or pipes of whoever ran the runtime; the plan
 * and the sync messages travel on a unix socket that the shim connects back to, because a JVM
 * cannot hand a child any descriptor other than 0, 1 and 2.
 */
public final class ShimProcess implements AutoCloseable {
    static final int PID = 1, READY = 2, ERROR = 3, EXIT = 4;
    static final int PLAN = 10, GO = 11, SIGNAL = 12, RESIZE = 13;

    private final Process process;
    private final SocketChannel channel;

    private ShimProcess(Process process, SocketChannel channel) {
        this.process = process;
        this.channel = channel;
    }

    /**
     * Spawns the shim and waits for it to connect. {@code socket} is a path that must not exist;
     * it is removed again once the shim is connected.
     */
    public static ShimProcess spawn(Path shim, Path socket, ProcessBuilder.Redirect stdin,
            ProcessBuilder.Redirect stdout, ProcessBuilder.Redirect stderr) throws IOException {
        Files.deleteIfExists(socket);
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
                Selector selector = Selector.open()) {
            server.bind(UnixDomainSocketAddress.of(socket), 1);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            ProcessBuilder pb = new ProcessBuilder(shim.toString(), socket.toString())
                    .redirectInput(stdin).redirectOutput(stdout).redirectError(stderr);
            pb.environment().clear();
            Process process = pb.start();
            try {
                while (true) {
                    selector.select(20);
                    SocketChannel ch = server.accept();
                    if (ch != null) {
                        ch.configureBlocking(true);
                        return new ShimProcess(process, ch);
                    }
                    if (!process.isAlive()) {
                        throw new IOException("berth-shim exited with status " + process.exitValue()
                                + " before connecting");
                    }
                }
            } catch (IOException | RuntimeException e) {
                process.destroyForcibly();
                throw e;
            }
        } finally {
            Files.deleteIfExists(socket);
        }
    }

    public Process process() {
        return process;
    }

    public void sendPlan(byte[] plan) throws IOException {
        send(PLAN, ByteBuffer.wrap(plan));
    }

    /** Waits for the container process to exist and returns its pid. */
    public int awaitPid() throws IOException, ShimException {
        ByteBuffer m = expect(PID);
        return m.getInt();
    }

    /** Lets the child go on past sync point 1, with the state strings its hooks will read. */
    public void go(List<String> states) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 + states.stream().mapToInt(s -> 4 + utf8(s).length).sum())
                .order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(states.size());
        for (String s : states) {
            byte[] u = utf8(s);
            b.putInt(u.length).put(u);
        }
        send(GO, b.flip());
    }

    /** Waits until the child has run every setup step. */
    public void awaitReady() throws IOException, ShimException {
        expect(READY);
    }

    /**
     * Monitor mode: waits for the container process to end and returns its wait status. An
     * {@code ERROR} (exec failed) is thrown; the shim's own exit code is the fallback when the
     * socket closes without an {@code EXIT}.
     */
    public int awaitExit() throws IOException, ShimException {
        ByteBuffer m = expect(EXIT);
        return m.getInt();
    }

    /** Monitor mode: asks the shim to send {@code signal} to the container process. */
    public void signal(int signal) throws IOException {
        send(SIGNAL, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(signal).flip());
    }

    /** Monitor mode with a terminal: resizes it. */
    public void resize(int rows, int cols) throws IOException {
        send(RESIZE, ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)
                .putShort((short) rows).putShort((short) cols).flip());
    }

    private synchronized void send(int type, ByteBuffer payload) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(type).putInt(payload.remaining()).flip();
        channel.write(new ByteBuffer[] {header, payload});
        while (payload.hasRemaining()) {
            channel.write(payload);
        }
    }

    private ByteBuffer expect(int type) throws IOException, ShimException {
        ByteBuffer header = readFully(8);
        if (header == null) {
            throw new IOException("berth-shim closed its control socket" + exitNote());
        }
        int got = header.getInt();
        int len = header.getInt();
        if (len < 0 || len > (1 << 20)) {
            throw new IOException("berth-shim sent a message of " + len + " bytes");
        }
        ByteBuffer body = len == 0 ? ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN) : readFully(len);
        if (body == null) {
            throw new IOException("berth-shim closed its control socket mid-message" + exitNote());
        }
        if (got == ERROR) {
            int step = body.getInt();
            int errno = body.getInt();
            String detail = "";
            if (body.remaining() >= 4) {
                byte[] d = new byte[Math.min(body.getInt(), body.remaining())];
                body.get(d);
                detail = new String(d, StandardCharsets.UTF_8);
            }
            throw new ShimException(step, errno, detail);
        }
        if (got != type) {
            throw new IOException("berth-shim sent message " + got + " where " + type + " was expected");
        }
        return body;
    }

    private String exitNote() {
        try {
            if (process.waitFor(1, java.util.concurrent.TimeUnit.SECONDS)) {
                return " (it exited with status " + process.exitValue() + ")";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "";
    }

    private ByteBuffer readFully(int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                return null;
            }
        }
        return b.flip();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Closes the control socket; in monitor mode the shim keeps running on its own. */
    @Override
    public void close() throws IOException {
        channel.close();
    }
}
