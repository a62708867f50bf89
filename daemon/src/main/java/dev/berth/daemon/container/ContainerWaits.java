package dev.berth.daemon.container;

import dev.berth.daemon.api.container.ContainerBackend.WaitHandle;
import dev.berth.daemon.api.container.ContainerBackend.WaitResult;
import dev.berth.daemon.http.ApiException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The clients of {@code docker wait} and of {@code docker run}, which waits before it starts the
 * container: each waits for the container's next exit ({@code next-exit}, and
 * {@code not-running} while it runs) or for its removal ({@code removed}). The service registers
 * a waiter under the container's lock and completes them from its exit and its removal under
 * the same lock, so a waiter is never registered after the event it waits for and then missed.
 * A removal ends the exit waiters too: a container removed by force never exits after.
 */
final class ContainerWaits {
    private static final Set<String> CONDITIONS = Set.of("not-running", "next-exit", "removed");

    private final Map<String, List<CompletableFuture<ContainerRecord>>> exits = new ConcurrentHashMap<>();
    private final Map<String, List<CompletableFuture<ContainerRecord>>> removals = new ConcurrentHashMap<>();

    /** The condition asked for, {@code not-running} when none; a 400 for an unknown one. */
    static String condition(String asked) {
        String c = asked == null || asked.isEmpty() ? "not-running" : asked;
        if (!CONDITIONS.contains(c)) {
            throw ApiException.invalid("invalid condition: \"" + c + "\"");
        }
        return c;
    }

    /** Under the lock of container {@code r} as it stands: a wait for {@code condition} on it. */
    WaitHandle register(ContainerRecord r, String condition) {
        CompletableFuture<ContainerRecord> done = new CompletableFuture<>();
        if (condition.equals("not-running") && !r.state().isRunning()) {
            done.complete(r);
        } else {
            (condition.equals("removed") ? removals : exits)
                    .computeIfAbsent(r.id(), k -> new CopyOnWriteArrayList<>()).add(done);
        }
        String id = r.id();
        return new WaitHandle() {
            @Override
            public WaitResult await() {
                ContainerRecord end = done.join();
                return new WaitResult(end.state().exitCode(), end.state().error());
            }

            @Override
            public void cancel() {
                done.cancel(false);
                forget(exits, id, done);
                forget(removals, id, done);
            }
        };
    }

    /** Under the container's lock: it exited (or failed to start), as {@code r} records. */
    void exited(String id, ContainerRecord r) {
        complete(exits, id, r);
    }

    /** Under the container's lock: it was removed; {@code r} is its last record. */
    void removed(String id, ContainerRecord r) {
        complete(removals, id, r);
        complete(exits, id, r);
    }

    private static void complete(Map<String, List<CompletableFuture<ContainerRecord>>> waiters, String id,
            ContainerRecord r) {
        List<CompletableFuture<ContainerRecord>> taken = waiters.remove(id);
        if (taken != null) {
            taken.forEach(w -> w.complete(r));
        }
    }

    private static void forget(Map<String, List<CompletableFuture<ContainerRecord>>> waiters, String id,
            CompletableFuture<ContainerRecord> done) {
        List<CompletableFuture<ContainerRecord>> list = waiters.get(id);
        if (list != null) {
            list.remove(done);
        }
    }
}
