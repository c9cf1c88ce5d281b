package io.ringtrace.engine.internal.leak;

import java.util.function.LongSupplier;

/**
 * A minimal flyweight pool following the {@link SpanPoolTracker} protocol, to test the detector
 * on its own (the engine's span pool follows the same protocol). Synchronized: the detector's
 * thread replaces reclaimed flyweights.
 */
final class SimplePool {

    /** A flyweight: its identity is what the tracker checks. */
    static final class Flyweight {
        final int slot;

        Flyweight(int slot) {
            this.slot = slot;
        }
    }

    private final Flyweight[] flyweights;
    private final int[] free;
    private int freeCount;
    final SpanPoolTracker tracker;
    private final LongSupplier clock;

    SimplePool(OpenSpanDetector detector, int capacity) {
        clock = detector.nanoClock(); // start times on the clock the detector's scans read
        flyweights = new Flyweight[capacity];
        free = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            flyweights[i] = new Flyweight(i);
            free[freeCount++] = i;
        }
        tracker = detector.track(Thread.currentThread(), capacity, this::replace);
    }

    /** @return the flyweight for a new span, or null if the pool is exhausted (counted) */
    synchronized Flyweight start(Object name) {
        if (freeCount == 0) {
            tracker.exhausted();
            return null;
        }
        Flyweight f = flyweights[free[--freeCount]];
        tracker.opened(f.slot, f, clock.getAsLong(), name);
        return f;
    }

    /** @return whether the flyweight went back to the pool */
    synchronized boolean end(Flyweight f) {
        if (!tracker.closed(f.slot, f)) {
            return false; // reclaimed meanwhile: the replacement is in the pool already
        }
        free[freeCount++] = f.slot;
        return true;
    }

    private synchronized void replace(int slot) {
        flyweights[slot] = new Flyweight(slot);
        free[freeCount++] = slot;
    }

    synchronized int freeCount() {
        return freeCount;
    }
}
