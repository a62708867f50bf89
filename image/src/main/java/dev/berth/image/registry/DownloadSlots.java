package dev.berth.image.registry;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * At most {@code limit} downloads at once, handed out strictly in turn order (turn 0 first).
 *
 * <p>A plain semaphore lets any waiter take a freed slot. With layers unpacked while they
 * download, in manifest order, that can deadlock: if the slots go to layers 4, 5 and 6, whose
 * unpackers wait for layer 3 while their pipes are full, layer 3 never gets one. Granting in
 * turn order means the lowest layer still downloading always holds a slot, so it always moves.
 */
final class DownloadSlots {
    private final int limit;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int nextTurn;
    private int active;

    DownloadSlots(int limit) {
        this.limit = limit;
    }

    /** Takes the slot for {@code turn} if it is this turn's go and a slot is free; false otherwise. */
    boolean tryAcquire(int turn) {
        lock.lock();
        try {
            return grant(turn);
        } finally {
            lock.unlock();
        }
    }

    /** Waits until every earlier turn has its slot and one is free, then takes it. */
    void acquire(int turn) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (!grant(turn)) {
                changed.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a slot taken by {@link #tryAcquire} or {@link #acquire}. */
    void release() {
        lock.lock();
        try {
            active--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean grant(int turn) {
        if (turn != nextTurn || active >= limit) {
            return false;
        }
        nextTurn++;
        active++;
        changed.signalAll();
        return true;
    }
}
