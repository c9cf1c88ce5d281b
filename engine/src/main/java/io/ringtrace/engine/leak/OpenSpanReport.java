package io.ringtrace.engine.leak;

/**
 * One span found open longer than the leak threshold, as seen by one scan of the
 * {@link OpenSpanDetector}. Created on the detector's thread only.
 */
public final class OpenSpanReport {

    private final String threadName;
    private final String spanName;
    private final long ageNanos;
    private final Throwable startStack;
    private final boolean reclaimed;
    private final boolean ownerThreadEnded;

    OpenSpanReport(String threadName, String spanName, long ageNanos, Throwable startStack, boolean reclaimed,
                   boolean ownerThreadEnded) {
        this.threadName = threadName;
        this.spanName = spanName;
        this.ageNanos = ageNanos;
        this.startStack = startStack;
        this.reclaimed = reclaimed;
        this.ownerThreadEnded = ownerThreadEnded;
    }

    /** @return the name of the thread whose pool lent the span's flyweight (the starting thread) */
    public String threadName() {
        return threadName;
    }

    /** @return the span's name ("?" if it was not readable) */
    public String spanName() {
        return spanName;
    }

    /** @return how long the span had been open at the scan, in nanoseconds */
    public long ageNanos() {
        return ageNanos;
    }

    /**
     * @return where the span was started, if {@link OpenSpanDetector.Builder#captureStacks(boolean)}
     *     was on; otherwise {@code null}
     */
    public Throwable startStack() {
        return startStack;
    }

    /** @return whether this scan reclaimed the span's flyweight for its pool */
    public boolean reclaimed() {
        return reclaimed;
    }

    /**
     * @return whether the starting thread had ended at this scan: then this is the span's last
     *     report, and the detector lets go of the thread's pool
     */
    public boolean ownerThreadEnded() {
        return ownerThreadEnded;
    }

    @Override
    public String toString() {
        return "'" + spanName + "' on thread " + threadName + " open " + (ageNanos / 1_000_000) + " ms"
                + (reclaimed ? " (flyweight reclaimed)" : "") + (ownerThreadEnded ? " (thread ended; last report)" : "");
    }
}
