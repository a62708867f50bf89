package dev.berth.linux.testing;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway network namespace for root tests of nftables and traffic, made with
 * {@code ip netns add} and removed with {@code ip netns del} on {@link #close()}, plus one
 * platform thread that has {@code setns(2)}'d into it: code passed to {@link #call} runs there,
 * so the sockets, libnftables contexts and {@code /proc/sys/net} files it opens belong to this
 * namespace and never to the host's. A stop-gap until linux has a network-namespace class of
 * its own; it is test code, so the few downcalls it needs live here rather than in LibC.
 */
public final class NftablesTestNetns implements AutoCloseable {
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int CLONE_NEWNET = 0x40000000;

    private final String name;
    private final ExecutorService thread;

    private NftablesTestNetns(String name) {
        this.name = name;
        this.thread = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("netns-" + name).unstarted(r));
    }

    /** Creates {@code <prefix><random>} (keep prefix short: names show up in interface-free places only). */
    public static NftablesTestNetns create(String prefix) throws IOException {
        String name = prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0x100000));
        run(List.of("ip", "netns", "add", name));
        NftablesTestNetns ns = new NftablesTestNetns(name);
        try {
            ns.call(() -> {
                enter("/run/netns/" + name);
                return null;
            });
            ns.ip("link", "set", "lo", "up");
            return ns;
        } catch (IOException | RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** Runs {@code task} on this namespace's thread and returns its result. */
    public <T> T call(Callable<T> task) throws IOException {
        Future<T> f = thread.submit(task);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running in netns " + name, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) {
                throw io;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IOException("in netns " + name + ": " + cause, cause);
        }
    }

    /** {@code ip -n <name> args...}; fails when ip does. */
    public String ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", name));
        cmd.addAll(List.of(args));
        return run(cmd);
    }

    /** {@code ip netns exec <name> command...}: its stdout; fails when the command does. */
    public String exec(String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", name));
        cmd.addAll(List.of(command));
        return run(cmd);
    }

    /** Runs {@code command} on the host and returns its stdout, or fails with its stderr. */
    public static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        // ip and nft print little: reading stdout then stderr cannot fill a pipe and block here
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            int rc = p.waitFor();
            if (rc != 0) {
                throw new IOException(String.join(" ", command) + ": exit " + rc + ": " + err.strip());
            }
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command, e);
        }
        return out;
    }

    @Override
    public void close() throws IOException {
        thread.shutdownNow();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // interfaces inside go with the namespace once nothing holds it (close sockets first)
        run(List.of("ip", "netns", "del", name));
    }

    @Override
    public String toString() {
        return "netns " + name;
    }

    private static void enter(String path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(Calls.STATE);
            int fd = (int) Calls.OPEN.invokeExact(state, arena.allocateFrom(path), O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                throw new IOException("open " + path + ": errno " + (int) Calls.ERRNO.get(state, 0L));
            }
            int rc = (int) Calls.SETNS.invokeExact(state, fd, CLONE_NEWNET);
            int errno = (int) Calls.ERRNO.get(state, 0L);
            int ignored = (int) Calls.CLOSE.invokeExact(fd);
            if (rc != 0) {
                throw new IOException("setns " + path + ": errno " + errno);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("downcall failed", t);
        }
    }

    private static final class Calls {
        static final Linker LINKER = Linker.nativeLinker();
        static final StructLayout STATE = Linker.Option.captureStateLayout();
        static final VarHandle ERRNO = STATE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));
        static final MethodHandle OPEN = handle("open", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.ADDRESS, ValueLayout.JAVA_INT), true);
        static final MethodHandle SETNS = handle("setns", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT, ValueLayout.JAVA_INT), true);
        static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT), false);

        static MethodHandle handle(String name, FunctionDescriptor fd, boolean errno) {
            MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow();
            return errno
                    ? LINKER.downcallHandle(symbol, fd, Linker.Option.captureCallState("errno"))
                    : LINKER.downcallHandle(symbol, fd);
        }
    }
}
