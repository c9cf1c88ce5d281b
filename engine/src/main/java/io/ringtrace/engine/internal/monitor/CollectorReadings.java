package io.ringtrace.engine.internal.monitor;

import io.ringtrace.engine.ops.LatencyHistogram;
import java.util.concurrent.TimeUnit;

/**
 * What the {@link GcMemoryMonitor} saw from one garbage collector (one
 * {@link java.lang.management.GarbageCollectorMXBean}, e.g. "G1 Young Generation"): how many
 * collections, their durations, and the cause and action of the latest one.
 *
 * <p>Durations are what the JDK reports for the collector, in whole milliseconds: for
 * stop-the-world collectors (G1 Young/Old Generation, Parallel, Serial, "ZGC Pauses",
 * "Shenandoah Pauses") that is the pause; for the concurrent-cycle beans ("ZGC Cycles",
 * "Shenandoah Cycles") it is the cycle length, most of which the application keeps running.
 *
 * <p>Written by the GC notification thread only; read from any thread without allocation.
 */
public final class CollectorReadings {

    private final String collectorName;
    private final LatencyHistogram durations = new LatencyHistogram();
    // Single writer (notification thread); volatile so readers on other threads see the latest.
    private volatile long gcCount;
    private volatile String lastCause = "";
    private volatile String lastAction = "";
    private volatile long lastDurationMillis;
    private volatile long lastHeapUsedAfterBytes;

    CollectorReadings(String collectorName) {
        this.collectorName = collectorName;
    }

    /** Records one collection; called only from the GC notification thread. */
    void record(String cause, String action, long durationMillis, long heapUsedAfterBytes) {
        durations.record(TimeUnit.MILLISECONDS.toNanos(durationMillis));
        lastCause = cause;
        lastAction = action;
        lastDurationMillis = durationMillis;
        lastHeapUsedAfterBytes = heapUsedAfterBytes;
        gcCount = gcCount + 1; // single writer; written last so the fields above are visible first
    }

    /** @return the collector's name as the JDK reports it, e.g. "G1 Young Generation" */
    public String collectorName() {
        return collectorName;
    }

    /** @return collections seen since the monitor started */
    public long gcCount() {
        return gcCount;
    }

    /**
     * @return the histogram of collection durations (recorded in nanoseconds from the JDK's whole
     *     milliseconds; read it with {@link LatencyHistogram#copyInto}, which allocates nothing)
     */
    public LatencyHistogram durations() {
        return durations;
    }

    /** @return the cause of the latest collection, e.g. "System.gc()" or "G1 Evacuation Pause"; "" if none yet */
    public String lastCause() {
        return lastCause;
    }

    /** @return the action of the latest collection, e.g. "end of minor GC"; "" if none yet */
    public String lastAction() {
        return lastAction;
    }

    /** @return the duration of the latest collection in milliseconds */
    public long lastDurationMillis() {
        return lastDurationMillis;
    }

    /** @return heap bytes in use right after the latest collection of this collector */
    public long lastHeapUsedAfterBytes() {
        return lastHeapUsedAfterBytes;
    }
}
