package dev.berth.network.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Iterator;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The one platform thread that serves every channel of an {@link EmbeddedDns}: a selector, a
 * queue of tasks handed in from other threads, and timers. Everything that touches a channel,
 * a timer or a registration's state runs on this thread, so none of it needs locks.
 *
 * <p>The thread is started by the constructor's caller and, like any thread created on Linux,
 * starts in that thread's network namespace; the sockets it opens towards the upstream
 * resolvers live there. That is why it is a platform thread of its own rather than virtual
 * threads, whose carriers may be spawned by whatever thread happens to wake them, including a
 * thread that entered a container's namespace to create that container's sockets.
 */
final class EventLoop implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventLoop.class.getName());

    /** What a registered channel does when the selector reports it ready. */
    interface Handler {
        void ready(SelectionKey key) throws IOException;

        /** {@link #ready} threw: release what the handler holds. */
        void failed(Exception cause);
    }

    /** A pending action at a deadline; cancelling leaves it in the queue, where it is skipped. */
    static final class Timer implements Comparable<Timer> {
        private final long deadline;
        private final long sequence;
        private final Runnable action;
        private boolean cancelled;

        private Timer(long deadline, long sequence, Runnable action) {
            this.deadline = deadline;
            this.sequence = sequence;
            this.action = action;
        }

        void cancel() {
            cancelled = true;
        }

        @Override
        public int compareTo(Timer other) {
            int byTime = Long.compare(deadline - other.deadline, 0);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }

    private final Selector selector;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    /** One receive buffer for the whole loop: a datagram is copied out before anything else runs. */
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(65_536);
    private final Thread thread;
    private long timerSequence;
    private boolean dispatching;
    private boolean stopped; // guarded by this
    private volatile boolean stopping;

    EventLoop(String name) {
        try {
            selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("open selector for " + name + ": " + e.getMessage(), e);
        }
        thread = Thread.ofPlatform().daemon().name(name).unstarted(this::run);
        thread.start();
    }

    boolean inLoop() {
        return Thread.currentThread() == thread;
    }

    ByteBuffer scratch() {
        return scratch.clear();
    }

    /** Runs {@code task} on the loop soon, without waiting; dropped once the loop has stopped. */
    void execute(Runnable task) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            tasks.add(task);
        }
        selector.wakeup();
    }

    /**
     * Runs {@code task} on the loop and waits for it. Once the loop has stopped the task runs on
     * the caller instead: nothing else touches the channels then.
     */
    void call(Runnable task) {
        if (inLoop()) {
            task.run();
            return;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        synchronized (this) {
            if (stopped) {
                task.run();
                return;
            }
            tasks.add(() -> {
                try {
                    task.run();
                    done.complete(null);
                } catch (RuntimeException e) {
                    done.completeExceptionally(e);
                }
            });
        }
        selector.wakeup();
        try {
            done.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
    }

    SelectionKey register(SelectableChannel channel, int ops, Handler handler) throws IOException {
        channel.configureBlocking(false);
        return channel.register(selector, ops, handler);
    }

    Timer schedule(Duration delay, Runnable action) {
        Timer timer = new Timer(System.nanoTime() + delay.toNanos(), timerSequence++, action);
        timers.add(timer);
        return timer;
    }

    /** Lets the selector release the descriptors of channels closed since it last ran. */
    void flushClosed() {
        if (dispatching) {
            return; // selectNow would change the selected-key set being iterated
        }
        try {
            selector.selectNow();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "dns event loop: selectNow: {0}", e.getMessage());
        }
    }

    private void run() {
        try {
            while (!stopping) {
                select();
                dispatch();
                runTasks();
                runTimers();
            }
        } finally {
            shutDown();
        }
    }

    private void select() {
        try {
            Timer next = nextTimer();
            if (next == null) {
                selector.select();
            } else {
                long millis = Math.ceilDiv(next.deadline - System.nanoTime(), 1_000_000L);
                if (millis <= 0) {
                    selector.selectNow();
                } else {
                    selector.select(millis);
                }
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "dns event loop: select: {0}", e.getMessage());
        }
    }

    private void dispatch() {
        dispatching = true;
        try {
            dispatchSelected();
        } finally {
            dispatching = false;
        }
    }

    private void dispatchSelected() {
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
            SelectionKey key = keys.next();
            keys.remove();
            if (!key.isValid() || !(key.attachment() instanceof Handler handler)) {
                continue;
            }
            try {
                handler.ready(key);
            } catch (IOException | RuntimeException e) {
                handler.failed(e);
            }
        }
    }

    private void runTasks() {
        for (Runnable task; (task = tasks.poll()) != null; ) {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "dns event loop: task failed", e);
            }
        }
    }

    private void runTimers() {
        long now = System.nanoTime();
        for (Timer next; (next = nextTimer()) != null && next.deadline - now <= 0; ) {
            timers.poll();
            try {
                next.action.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "dns event loop: timer failed", e);
            }
        }
    }

    private Timer nextTimer() {
        while (!timers.isEmpty() && timers.peek().cancelled) {
            timers.poll();
        }
        return timers.peek();
    }

    private void shutDown() {
        synchronized (this) {
            stopped = true;
        }
        runTasks(); // tasks queued before stopped was set still have callers waiting on them
        for (SelectionKey key : selector.keys()) {
            try {
                key.channel().close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "dns event loop: close channel: {0}", e.getMessage());
            }
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "dns event loop: close selector: {0}", e.getMessage());
        }
    }

    /** Stops the loop, closes every channel still registered, and waits for the thread. */
    @Override
    public void close() {
        stopping = true;
        selector.wakeup();
        if (!inLoop()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
