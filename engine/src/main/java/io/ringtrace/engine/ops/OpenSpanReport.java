package io.ringtrace.engine.ops;

/**
 * One span found open longer than the leak threshold, as seen by one scan of the engine's open-span
 * leak detector ({@link OperabilityOptions.Builder#leakDetection}), handed to a {@link LeakReporter}.
 * Immutable; the engine creates them on the detector's thread.
 */
public final class OpenSpanReport {

    private final String threadName;
    private final String spanName;
    private final long ageNanos;
    private final Throwable startStack;
    private final boolean reclaimed;
    private final boolean ownerThreadEnded;

    /**
     * @param threadName the name of the thread whose pool lent the span's flyweight
     * @param spanName the span's name, or {@code "?"} when not known
     * @param ageNanos how long the span has been open, in nanoseconds
     * @param startStack where the span was started, or null when stacks are not captured
     * @param reclaimed whether this scan took the span's flyweight back for its pool
     * @param ownerThreadEnded whether the pool's thread has ended (this is the pool's last report)
     */
    public OpenSpanReport(String threadName, String spanName, long ageNanos, Throwable startStack, boolean reclaimed,
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
     * @return where the span was started, if {@link OperabilityOptions.Builder#leakCaptureStacks(boolean)}
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
