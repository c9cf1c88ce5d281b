package io.ringtrace.engine.ops;

/**
 * A per-thread span pool that ran out of flyweights since the previous scan of the engine's open-span
 * leak detector, handed to a {@link LeakReporter}: the usual sign that spans on that thread are
 * started and never ended. Immutable.
 */
public final class PoolExhaustionReport {

    private final String threadName;
    private final long exhaustions;
    private final int openSpans;
    private final int capacity;

    /**
     * @param threadName the name of the pool's thread
     * @param exhaustions how many starts found the pool empty since the previous scan
     * @param openSpans spans open in the pool at the scan
     * @param capacity the pool's number of flyweights
     */
    public PoolExhaustionReport(String threadName, long exhaustions, int openSpans, int capacity) {
        this.threadName = threadName;
        this.exhaustions = exhaustions;
        this.openSpans = openSpans;
        this.capacity = capacity;
    }

    /** @return the name of the pool's thread */
    public String threadName() {
        return threadName;
    }

    /** @return how many {@code start} calls found the pool empty since the previous scan */
    public long exhaustions() {
        return exhaustions;
    }

    /** @return flyweights of the pool open at the scan */
    public int openSpans() {
        return openSpans;
    }

    /** @return the pool's capacity */
    public int capacity() {
        return capacity;
    }

    @Override
    public String toString() {
        return "span pool of thread " + threadName + " exhausted " + exhaustions + " times (" + openSpans
                + " of " + capacity + " flyweights open)";
    }
}
