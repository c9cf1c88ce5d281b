package io.ringtrace.engine;

/**
 * A read-only view of one thread's pool of span flyweights, for observers such as an open-span
 * leak detector (see {@link SpanPoolListener}). Methods are meant to be called from the observer's
 * own thread while the owner works: they read racily (a span may open or end during the call), never
 * block the owner and allocate nothing.
 */
public interface SpanPoolView {

    /** Returned by {@link #openedAtEpochNanos(int)} for a slot without an open span. */
    long NOT_OPEN = Long.MIN_VALUE;

    /** @return the thread that owns the pool (starts spans from it) */
    Thread ownerThread();

    /** @return the number of slots ({@code spansPerThread}); slot indices are {@code [0, capacity())} */
    int capacity();

    /**
     * @param slot a slot index
     * @return the start time (epoch nanoseconds, {@link TraceEngine#nowEpochNanos()} clock) of the
     *     span open in the slot, or {@link #NOT_OPEN}
     */
    long openedAtEpochNanos(int slot);

    /**
     * @param slot a slot index
     * @return the name of the span open in the slot if it was started with a
     *     {@link io.ringtrace.codec.Utf8Constant} (immutable), else null
     */
    Object spanName(int slot);

    /** @return how many starts found every flyweight of this pool open (the span was a no-op) */
    long exhaustions();

    /**
     * @param slot a slot index
     * @return where the span open in the slot was started, if the engine captures start stacks (the
     *     leak detector's debug setting), else null
     */
    default Throwable startStack(int slot) {
        return null;
    }

    /**
     * Takes the flyweight of a leaked span out of the pool and puts a fresh one in its place, if the
     * slot still holds the span that started at {@code openedAtEpochNanos}. The leaked span stays
     * valid for whoever holds it (ending it still publishes it), but its flyweight is never reused.
     * Called by the open-span leak detector's thread; allocates the replacement.
     *
     * @param slot a slot index
     * @param openedAtEpochNanos the start time the caller saw in the slot
     * @return whether the slot got a fresh flyweight
     */
    default boolean reclaim(int slot, long openedAtEpochNanos) {
        return false;
    }
}
