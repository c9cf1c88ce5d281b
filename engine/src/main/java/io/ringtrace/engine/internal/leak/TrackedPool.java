package io.ringtrace.engine.internal.leak;

/**
 * A pool of span flyweights as the {@link OpenSpanDetector} sees it: a fixed number of slots, each
 * free or holding an open span with a start time. Implemented by the engine's per-thread span pool
 * and by {@link SpanPoolTracker} (for pools that keep no such state themselves).
 *
 * <p>All methods are called on the detector's thread while the pool's owner thread works: they read
 * racily and must neither block the owner nor allocate on its behalf.
 */
public interface TrackedPool {

    /** Returned by {@link #openedAtNanos(int)} for a slot that holds no open span. */
    long NOT_OPEN = Long.MIN_VALUE;

    /** @return the name of the thread that owns the pool */
    String threadName();

    /** @return whether the owner thread has ended (its pool can then only hold leaks) */
    boolean ownerThreadEnded();

    /** @return the number of slots; slot indices are {@code [0, slots())} */
    int slots();

    /** @return the current time on the clock {@link #openedAtNanos(int)} uses, in nanoseconds */
    long nowNanos();

    /**
     * @param slot a slot index
     * @return when the span in the slot started, on the {@link #nowNanos()} clock, or
     *     {@link #NOT_OPEN}
     */
    long openedAtNanos(int slot);

    /**
     * @param slot a slot index
     * @return the open span's name for reports (immutable, e.g. a String or a pre-encoded constant),
     *     or null if unknown
     */
    Object spanName(int slot);

    /**
     * @param slot a slot index
     * @return where the open span was started, if stacks are captured (a debug setting), else null
     */
    Throwable startStack(int slot);

    /** @return how many times a start found the pool without a free flyweight, since it was created */
    long exhaustions();

    /**
     * Takes the flyweight in {@code slot} away from the leaked span that holds it and puts a fresh
     * flyweight in its place, if the slot still holds the span that started at {@code openedAtNanos}.
     * The leaked span stays usable by whoever holds it (ending it still publishes it) but its
     * flyweight never returns to the pool.
     *
     * @param slot a slot index
     * @param openedAtNanos the start time the detector saw for the slot
     * @return whether the slot was reclaimed
     */
    boolean reclaim(int slot, long openedAtNanos);
}
