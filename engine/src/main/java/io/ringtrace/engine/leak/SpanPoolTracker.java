package io.ringtrace.engine.leak;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The leak detector's view of one per-thread pool of span flyweights: which slot holds an open span
 * since when, under which name, and (in debug mode) where it was started.
 *
 * <p>The pool calls {@link #opened} when it hands a flyweight out ({@code start}) and
 * {@link #closed} when the span ends. Both are cheap, allocation-free stores (one compare-and-set
 * in {@code closed}); only {@link OpenSpanDetector.Builder#captureStacks(boolean) stack capture}
 * allocates, and it is a debug setting. The detector's thread reads these arrays on its interval.
 *
 * <p>Ownership protocol (why the compare-and-set): a slot's owner is the flyweight object that was
 * opened in it. When the detector reclaims a leaked flyweight it clears the owner with a
 * compare-and-set and asks the pool ({@link SpanPoolTracker.Reclaimer}) to put a fresh flyweight into that slot. If
 * the application ends the leaked flyweight later anyway, {@link #closed} finds it is no longer the
 * owner and returns {@code false}: the pool must then not take it back (its span is still
 * published; only the object leaves the pool). So a reclaimed flyweight and its replacement are
 * never used by two spans at once.
 *
 * <p>Bound: three arrays of the pool's capacity, allocated once.
 */
public final class SpanPoolTracker {

    /** What the pool does when the detector reclaims a leaked flyweight. */
    @FunctionalInterface
    public interface Reclaimer {
        /**
         * Puts a fresh flyweight into {@code slot}, in place of the leaked one, and makes it
         * available to the pool's next {@code start}. Called on the detector's thread, after the
         * leaked flyweight lost ownership of the slot; must be safe against the pool's owner thread.
         *
         * @param slot the slot index given to {@link #opened}
         */
        void replace(int slot);
    }

    private final String threadName;
    private final WeakReference<Thread> owner; // weak: a tracker never keeps a dead thread alive
    private final int capacity;
    private final boolean captureStacks;
    private final Reclaimer reclaimer;
    private final long originNanos = System.nanoTime();
    // openSince[slot]: 0 = free, else nanoTime - originNanos + 1 (always > 0) of the span's start.
    private final AtomicLongArray openSince;
    private final AtomicReferenceArray<Object> owners;
    private final Object[] names;
    private final Throwable[] startStacks;
    private final AtomicLong exhaustions = new AtomicLong();
    private final AtomicLong reclaimed = new AtomicLong();

    SpanPoolTracker(Thread ownerThread, int capacity, boolean captureStacks, Reclaimer reclaimer) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0, got " + capacity);
        }
        this.threadName = ownerThread.getName();
        this.owner = new WeakReference<>(ownerThread);
        this.capacity = capacity;
        this.captureStacks = captureStacks;
        this.reclaimer = reclaimer;
        this.openSince = new AtomicLongArray(capacity);
        this.owners = new AtomicReferenceArray<>(capacity);
        this.names = new Object[capacity];
        this.startStacks = new Throwable[capacity];
    }

    /**
     * A span started in {@code slot}. Call on the thread that starts the span.
     *
     * @param slot the flyweight's fixed index in its pool, in {@code [0, capacity)}
     * @param flyweight the flyweight object (its identity marks ownership of the slot)
     * @param startNanoTime {@link System#nanoTime()} at the start (pass one already read if any)
     * @param name the span's name: kept by reference for reports, so pass an immutable one
     *     (a {@code String} or a pre-encoded constant)
     */
    public void opened(int slot, Object flyweight, long startNanoTime, Object name) {
        names[slot] = name;
        if (captureStacks) {
            startStacks[slot] = new Throwable("span started here on thread " + Thread.currentThread().getName());
        }
        owners.set(slot, flyweight);
        // Release store, after the name and stack: a detector that reads openSince with acquire
        // semantics and sees this value also sees the name and stack written above.
        openSince.setRelease(slot, Math.max(1, startNanoTime - originNanos + 1));
    }

    /**
     * The span in {@code slot} ended. Call before returning the flyweight to the pool.
     *
     * @param slot the flyweight's index
     * @param flyweight the flyweight object
     * @return {@code true} if the flyweight still owns the slot and goes back to the pool;
     *     {@code false} if the detector reclaimed it meanwhile: do not put it back
     */
    public boolean closed(int slot, Object flyweight) {
        // Compare-and-set against the detector's reclaim: exactly one of the two wins the slot.
        if (!owners.compareAndSet(slot, flyweight, null)) {
            return false;
        }
        names[slot] = null; // do not pin the name past the span
        if (captureStacks) {
            startStacks[slot] = null;
        }
        openSince.setRelease(slot, 0);
        return true;
    }

    /** The pool had no free flyweight for a {@code start} on its thread; counted for the report. */
    public void exhausted() {
        exhaustions.incrementAndGet();
    }

    /** @return the name of the thread whose pool this is */
    public String threadName() {
        return threadName;
    }

    /** @return whether the pool's thread has ended (its pool can then only hold leaks) */
    boolean ownerThreadEnded() {
        Thread t = owner.get();
        return t == null || !t.isAlive();
    }

    /** @return the pool's capacity */
    public int capacity() {
        return capacity;
    }

    /** @return how many times the pool was found exhausted */
    public long exhaustions() {
        return exhaustions.get();
    }

    /** @return how many leaked flyweights were reclaimed from this pool */
    public long reclaimed() {
        return reclaimed.get();
    }

    /** @return the open span's age in nanoseconds at {@code nowNanoTime}, or -1 if the slot is free */
    long ageNanos(int slot, long nowNanoTime) {
        long since = openSince.getAcquire(slot); // pairs with the release store in opened()
        if (since == 0) {
            return -1;
        }
        return nowNanoTime - (originNanos + since - 1);
    }

    /** @return the open span's name (racy snapshot: may be null if the slot just closed) */
    Object name(int slot) {
        return names[slot];
    }

    /** @return the start stack if captured (racy snapshot, like {@link #name}) */
    Throwable startStack(int slot) {
        return startStacks[slot];
    }

    /**
     * Reclaims the flyweight in {@code slot} if it is still the same open span (same start as
     * observed), taking ownership away from the leaked flyweight and asking the pool for a replacement.
     *
     * @return whether the slot was reclaimed
     */
    boolean reclaim(int slot, long observedAgeNanos, long nowNanoTime) {
        Object owner = owners.get(slot);
        if (owner == null || ageNanos(slot, nowNanoTime) != observedAgeNanos) {
            return false; // ended, or a different span by now
        }
        // Races closed(): exactly one compare-and-set on the owner wins. If the application ended
        // the span first, this fails and nothing happens; if this wins, closed() on the leaked
        // flyweight fails later and the pool keeps the replacement instead.
        if (!owners.compareAndSet(slot, owner, null)) {
            return false;
        }
        names[slot] = null;
        startStacks[slot] = null;
        // Nobody opens this slot before replace() below: the leaked flyweight is not in the
        // pool's free list, so this store cannot erase a newer span.
        openSince.setRelease(slot, 0);
        reclaimer.replace(slot);
        reclaimed.incrementAndGet();
        return true;
    }
}
