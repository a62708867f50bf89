package dev.berth.daemon.container;

import dev.berth.linux.Epoll;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.EventFd;
import dev.berth.linux.Pidfd;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one thread that watches every running container: an epoll set holding each container's
 * output fifos ({@link FifoPump}), the pidfd whose process's exit is the container's end (its
 * shim, or the monitor of one adopted after a restart), and its cgroup's OOM eventfd. Before,
 * each container cost three blocked platform threads (a monitor and two fifo readers); with 100
 * running containers that was 300 threads.
 *
 * <p>Nothing that can block runs on the loop's thread: a readable fifo is handed to a virtual
 * thread of its container, which may wait on a slow attached client while the loop goes on
 * with the others (see {@link FifoPump}); a container's OOMs and its end are reported on
 * virtual threads, in the order seen. An OOM is so reported as it happens, and before the end
 * it may cause: the kernel signals the eventfd before the OOM killer's victim dies, and the
 * end's handler reads the eventfd once more before it hands the end on.
 */
final class ContainerWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ContainerWatch.class.getName());

    /** What the loop does when a watched descriptor is ready; runs on the loop's thread and must not block. */
    interface Handler {
        void ready();
    }

    private final Epoll epoll;
    private final EventFd wakeup;
    private final Map<Long, Handler> handlers = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;

    private ContainerWatch(Epoll epoll, EventFd wakeup) {
        this.epoll = epoll;
        this.wakeup = wakeup;
        this.thread = Thread.ofPlatform().daemon().name("container-watch").unstarted(this::run);
    }

    /** Opens the epoll set and starts its thread. */
    static ContainerWatch start() throws IOException {
        Epoll epoll = Epoll.open();
        EventFd wakeup;
        try {
            wakeup = EventFd.open();
        } catch (ErrnoException e) {
            epoll.close();
            throw e;
        }
        ContainerWatch watch = new ContainerWatch(epoll, wakeup);
        watch.watch(wakeup.descriptor(), false, () -> take(wakeup));
        watch.thread.start();
        return watch;
    }

    /**
     * Watches {@code descriptor} for input; {@code once}: out of the set after one event, until
     * {@link #rearm}. Returns the registration's token, for {@link #rearm} and {@link #unwatch}.
     */
    long watch(int descriptor, boolean once, Handler handler) throws ErrnoException {
        long token = tokens.incrementAndGet();
        add(descriptor, once, token, handler);
        return token;
    }

    /** With a token taken beforehand, for a handler that needs its own token (it may run before add returns). */
    private void add(int descriptor, boolean once, long token, Handler handler) throws ErrnoException {
        handlers.put(token, handler);
        try {
            epoll.add(descriptor, Epoll.IN | (once ? Epoll.ONESHOT : 0), token);
        } catch (ErrnoException e) {
            handlers.remove(token);
            throw e;
        }
    }

    /** Puts a descriptor watched {@code once} back into the set. */
    void rearm(int descriptor, long token) throws ErrnoException {
        epoll.rearm(descriptor, Epoll.IN | Epoll.ONESHOT, token);
    }

    /** Stops watching; an event of this registration that is already on its way is dropped. */
    void unwatch(int descriptor, long token) {
        handlers.remove(token);
        try {
            epoll.remove(descriptor);
        } catch (ErrnoException e) {
            // not in the set: never added, or already taken out
        }
    }

    /**
     * Follows a container's end: {@code end} turns readable when the process whose exit ends
     * the container exits, and {@code onEnd} then runs. {@code oom} (null if the host has none
     * for it) has {@code onOom} run each time it is found signalled, never after {@code onEnd}.
     * Both run on virtual threads named for {@code id}, one after the other in the order seen,
     * so they may block without holding up the loop. This watch closes both descriptors.
     */
    void follow(String id, Pidfd end, EventFd oom, Runnable onOom, Runnable onEnd) throws ErrnoException {
        String name = id.substring(0, Math.min(12, id.length()));
        java.util.concurrent.Executor offLoop = task -> Thread.ofVirtual().name("container-" + name).start(task);
        // only the loop's thread extends the chain
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] reported = new CompletableFuture[] {CompletableFuture.completedFuture(null)};
        Handler oomSeen = () -> {
            if (take(oom) > 0) {
                reported[0] = reported[0].exceptionally(t -> null).thenRunAsync(onOom, offLoop);
            }
        };
        long oomToken = oom == null ? 0 : watch(oom.descriptor(), false, oomSeen);
        long endToken = tokens.incrementAndGet();
        Handler ended = () -> {
            if (oom != null) {
                oomSeen.ready(); // the kernel signals it before the victim dies: an OOM that ended the container is in
                unwatch(oom.descriptor(), oomToken);
                oom.close();
            }
            unwatch(end.descriptor(), endToken);
            end.close();
            reported[0].exceptionally(t -> null).thenRunAsync(onEnd, offLoop);
        };
        try {
            add(end.descriptor(), true, endToken, ended);
        } catch (ErrnoException e) {
            if (oom != null) {
                unwatch(oom.descriptor(), oomToken);
            }
            throw e;
        }
    }

    private void run() {
        Epoll.Ready ready = new Epoll.Ready(64);
        while (!closed) {
            int n;
            try {
                n = epoll.await(ready, -1);
            } catch (ErrnoException e) {
                LOG.log(System.Logger.Level.ERROR, "container watch stopped: " + e.getMessage());
                return;
            }
            for (int i = 0; i < n; i++) {
                Handler handler = handlers.get(ready.token(i));
                if (handler == null) {
                    continue; // unwatched after this batch was collected
                }
                try {
                    handler.ready();
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "container watch: " + e.getMessage(), e);
                }
            }
        }
    }

    private static long take(EventFd events) {
        try {
            return events.take();
        } catch (ErrnoException | IllegalStateException e) {
            return 0;
        }
    }

    /** Stops the thread; the descriptors still watched stay with their owners. */
    @Override
    public void close() throws InterruptedException {
        closed = true;
        try {
            wakeup.signal();
        } catch (ErrnoException e) {
            // the loop is gone already
        }
        thread.join();
        epoll.close();
        wakeup.close();
    }
}
