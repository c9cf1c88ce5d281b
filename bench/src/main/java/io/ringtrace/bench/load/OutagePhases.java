package io.ringtrace.bench.load;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;

/**
 * The phases of an outage scenario on the run's own clock, so that producers can split their
 * service times by phase without any coordination: the receiver is down from {@link #outageStart}
 * to {@link #outageEnd} (the {@link LoadTool} stops and restarts it on the same schedule, counted
 * from the moment it reads the window's start on the run's stdout, so a few ms later at most), and
 * the <em>drain</em> lasts from {@link #outageEnd} until the system's spool is empty again. A system
 * without a spool has nothing to drain: its drain phase runs to the window's end. The window's part
 * <em>before</em> the outage is the same run's own baseline: the receiver up, the same JVM, JIT
 * state and minute of the machine, so that a phase's tail can be compared with it rather than with
 * another run's.
 *
 * <p>The run thread {@link #poll polls} the spool; producers read only {@link #phaseOf}, one
 * volatile read per span and only for spans after the outage.
 */
final class OutagePhases {

    /** Not in any phase. */
    static final int OTHER = 0;
    /** Scheduled while the receiver was down. */
    static final int OUTAGE = 1;
    /** Scheduled after the receiver came back, before the spool was empty again. */
    static final int DRAIN = 2;
    /** Scheduled before the receiver went down (in an outage scenario). */
    static final int BEFORE = 3;
    /** How often the run thread reads the spool during an outage scenario. */
    static final long POLL_NANOS = 20_000_000L;
    /** The most the run waits after the window for the spool to empty before it closes the system. */
    static final Duration DRAIN_BOUND = Duration.ofSeconds(60);

    private static final long NEVER = Long.MAX_VALUE;

    /** When the receiver goes down; {@code Long.MAX_VALUE} for a scenario without an outage. */
    final long outageStart;
    /** When the receiver comes back. */
    final long outageEnd;
    /** When the spool was found empty after the outage; written by the run thread only. */
    private volatile long drainEnd = NEVER;
    private boolean outageEndSeen;
    /** Spans in the spool when the receiver came back (first poll after it); -1 without a spool. */
    private long spooledAtOutageEnd = -1;

    private OutagePhases(long outageStart, long outageEnd) {
        this.outageStart = outageStart;
        this.outageEnd = outageEnd;
    }

    /**
     * @param spec the run
     * @param measureStart the window's start (nanoTime)
     * @return the run's phases; none (every span {@link #OTHER}) unless it is an outage scenario
     */
    static OutagePhases of(RunSpec spec, long measureStart) {
        if (!spec.outage()) {
            return new OutagePhases(NEVER, NEVER);
        }
        long start = measureStart + spec.outageStartMillis() * 1_000_000L;
        return new OutagePhases(start, start + spec.outageMillis() * 1_000_000L);
    }

    /** @return true for an outage scenario */
    boolean active() {
        return outageStart != NEVER;
    }

    /**
     * @param scheduledAt a span's scheduled start (nanoTime)
     * @return {@link #BEFORE}, {@link #OUTAGE}, {@link #DRAIN} or {@link #OTHER}
     */
    int phaseOf(long scheduledAt) {
        if (scheduledAt < outageStart) {
            return outageStart == NEVER ? OTHER : BEFORE;
        }
        if (scheduledAt < outageEnd) {
            return OUTAGE;
        }
        return scheduledAt < drainEnd ? DRAIN : OTHER;
    }

    /**
     * Run thread: notes the spool at the receiver's return and when it is empty again.
     *
     * @param system the system under load
     * @param now nanoTime
     */
    void poll(LoadSystem system, long now) {
        if (now < outageEnd || drainEnd != NEVER) {
            return;
        }
        long spooled = system.spooled();
        if (!outageEndSeen) {
            outageEndSeen = true;
            spooledAtOutageEnd = spooled;
        }
        if (spooled == 0) {
            drainEnd = now;
        }
    }

    /**
     * Run thread, after the window: waits until the spool is empty (so the report's losses do not
     * count what was still on disk), at most {@link #DRAIN_BOUND}.
     *
     * @param system the system under load
     */
    void awaitDrain(LoadSystem system) {
        if (!active() || system.spooled() < 0) {
            return;
        }
        long deadline = System.nanoTime() + DRAIN_BOUND.toNanos();
        long now;
        while (drainEnd == NEVER && (now = System.nanoTime()) < deadline) {
            poll(system, now);
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** @return spans in the spool when the receiver came back; -1 without a spool or outage */
    long spooledAtOutageEnd() {
        return spooledAtOutageEnd;
    }

    /**
     * @return ns from the receiver's return until the spool was empty again; -1 without a spool or
     *     outage, -2 when it did not empty within the window plus {@link #DRAIN_BOUND}
     */
    long drainNanos() {
        if (!active() || spooledAtOutageEnd < 0) {
            return -1;
        }
        return drainEnd == NEVER ? -2 : drainEnd - outageEnd;
    }
}
