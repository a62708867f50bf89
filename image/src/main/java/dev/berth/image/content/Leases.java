package dev.berth.image.content;

import dev.berth.oci.image.Digest;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;

/**
 * The open leases of one store and the lock that orders them against garbage collection.
 * Anything that makes a blob part of an image (a commit, {@link Lease#protect}) holds the read
 * lock; a sweep holds the write lock while it decides and deletes. So a blob is either
 * protected before the sweep looks, or found missing afterwards and written again.
 */
final class Leases {
    private final Set<Lease> open = ConcurrentHashMap.newKeySet();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Predicate<Digest> exists;

    Leases(Predicate<Digest> exists) {
        this.exists = exists;
    }

    Lease open() {
        Lease lease = new Lease(this);
        open.add(lease);
        return lease;
    }

    void release(Lease lease) {
        open.remove(lease);
    }

    boolean anyOpen() {
        return !open.isEmpty();
    }

    boolean protect(Lease lease, Digest digest) {
        lock.readLock().lock();
        try {
            if (!exists.test(digest)) {
                return false;
            }
            lease.add(digest);
            return true;
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs {@code action} so that no sweep runs at the same time. */
    <T, E extends Exception> T shared(ThrowingSupplier<T, E> action) throws E {
        lock.readLock().lock();
        try {
            return action.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Runs {@code action} alone, with the digests that open leases protect. */
    <T, E extends Exception> T exclusive(ThrowingFunction<Set<Digest>, T, E> action) throws E {
        lock.writeLock().lock();
        try {
            Set<Digest> leased = new HashSet<>();
            open.forEach(lease -> lease.forEach(leased::add));
            return action.apply(leased);
        } finally {
            lock.writeLock().unlock();
        }
    }

    interface ThrowingSupplier<T, E extends Exception> {
        T get() throws E;
    }

    interface ThrowingFunction<A, T, E extends Exception> {
        T apply(A argument) throws E;
    }
}
