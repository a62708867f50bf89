package dev.berth.linux;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The platform threads that may change network namespace, so that no other JVM thread ever
 * does. A network namespace belongs to a thread, not to the process: {@code setns(2)} moves
 * only the caller, and threads it starts inherit where it is. A virtual thread must never call
 * it (it would move whichever carrier it happens to run on), nor may a pooled thread of the
 * JVM's or the application's.
 *
 * <p>Each task runs on one of these threads, enters its namespace itself (setns or unshare),
 * and when it ends, however it ends, the thread goes back to the <em>home</em> namespace: the
 * one the thread that first used this class was in. A thread that cannot go back dies instead
 * of running another task. Threads are made on demand (a nested task gets a thread of its own,
 * so nesting cannot deadlock); two stay parked for the next tasks, others end after a while.
 */
final class NamespaceThreads {
    private static final int HOME_FD = openHome();
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final ThreadPoolExecutor POOL = new ThreadPoolExecutor(2, Integer.MAX_VALUE,
            30, TimeUnit.SECONDS, new SynchronousQueue<>(), task -> {
                Thread t = Thread.ofPlatform().daemon().name("berth-netns-" + COUNT.incrementAndGet())
                        .unstarted(task);
                // a thread that failed to go home ends by throwing: that is expected, not news
                t.setUncaughtExceptionHandler((thread, e) -> { });
                return t;
            });

    private NamespaceThreads() {}

    private static int openHome() {
        try {
            return NamespaceCalls.openNetNamespace(Path.of("/proc/thread-self/ns/net"));
        } catch (ErrnoException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Runs {@code work} on a namespace thread and returns what it returned or rethrows what
     * it threw. {@code work} starts in the home namespace and must enter the one it wants.
     * Waits for the work to end even when interrupted (it may have made sockets or mounts
     * that the caller must learn of), and then keeps the interrupt.
     */
    static <T> T run(Callable<T> work) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        POOL.execute(() -> {
            T value = null;
            Throwable failure = null;
            try {
                value = work.call();
            } catch (Throwable t) {
                failure = t;
            }
            ErrnoException lost = null;
            try {
                NamespaceCalls.setNetNamespace(HOME_FD, "return thread to its home network namespace");
            } catch (ErrnoException e) {
                lost = e;
            }
            if (failure == null) {
                result.complete(value);
            } else {
                result.completeExceptionally(failure);
            }
            if (lost != null) {
                throw new IllegalStateException(Thread.currentThread().getName() + " is stranded", lost);
            }
        });
        try {
            return result.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception x) {
                throw x;
            }
            if (cause instanceof Error x) {
                throw x;
            }
            throw e;
        }
    }
}
