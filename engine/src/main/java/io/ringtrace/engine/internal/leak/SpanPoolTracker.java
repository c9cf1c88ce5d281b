package io.ringtrace.engine.internal.leak;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;

/**
 * Open-span bookkeeping for a per-thread pool of span flyweights that keeps no such state itself:
 * which slot holds an open span since when, under which name, and (in debug mode) where it was
 * started. Get one from {@link OpenSpanDetector#track}.
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
public final class SpanPoolTracker implements TrackedPool {

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
    private final LongSupplier nanoClock; // System::nanoTime but in the detector's tests
    private final long originNanos;
    // openSince[slot]: 0 = free, else nanoTime - originNanos + 1 (always > 0) of the span's start.
    private final AtomicLongArray openSince;
    private final AtomicReferenceArray<Object> owners;
    private final Object[] names;
    private final Throwable[] startStacks;
    private final AtomicLong exhaustions = new AtomicLong();
    private final AtomicLong reclaimed = new AtomicLong();

    SpanPoolTracker(Thread ownerThread, int capacity, boolean captureStacks, Reclaimer reclaimer,
            LongSupplier nanoClock) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0, got " + capacity);
        }
        this.threadName = ownerThread.getName();
        this.owner = new WeakReference<>(ownerThread);
        this.capacity = capacity;
        this.captureStacks = captureStacks;
        this.reclaimer = reclaimer;
        this.nanoClock = nanoClock;
        this.originNanos = nanoClock.getAsLong();
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
     * @param startNanoTime {@link System#nanoTime()} at the start (pass one already read if any); a
     *     detector built with a clock of its own expects a reading of that clock
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

    @Override
    public String threadName() {
        return threadName;
    }

    @Override
    public boolean ownerThreadEnded() {
        Thread t = owner.get();
        return t == null || !t.isAlive();
    }

    @Override
    public int slots() {
        return capacity;
    }

    @Override
    public long exhaustions() {
        return exhaustions.get();
    }

    /** @return how many leaked flyweights were reclaimed from this pool */
    public long reclaimed() {
        return reclaimed.get();
    }

    @Override
    public long nowNanos() {
        return nanoClock.getAsLong() - originNanos + 1; // the same shifted clock openSince uses
    }

    @Override
    public long openedAtNanos(int slot) {
        long since = openSince.getAcquire(slot); // pairs with the release store in opened()
        return since == 0 ? NOT_OPEN : since;
    }

    @Override
    public Object spanName(int slot) {
        return names[slot]; // racy snapshot: may be null if the slot just closed
    }

    @Override
    public Throwable startStack(int slot) {
        return startStacks[slot]; // racy snapshot, like spanName
    }

    @Override
    public boolean reclaim(int slot, long openedAtNanos) {
        Object owner = owners.get(slot);
        if (owner == null || openedAtNanos(slot) != openedAtNanos) {
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
