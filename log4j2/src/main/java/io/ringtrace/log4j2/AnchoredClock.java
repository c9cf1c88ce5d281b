package io.ringtrace.log4j2;

import java.time.Instant;

/**
 * Epoch nanoseconds without allocation, for the records' observed time: the wall clock is read
 * once and advanced with {@link System#nanoTime()} (the OpenTelemetry SDK's anchored clock), so
 * it drifts from the wall clock only by the monotonic clock's drift (two anchors taken at
 * different times may differ by that drift: share {@link #SHARED}).
 */
final class AnchoredClock {

    /**
     * The one clock of this class loader: {@link RingtraceClock}'s event times and the appender's
     * observed times read the same anchor, so an event is never observed before it happened.
     */
    static final AnchoredClock SHARED = new AnchoredClock();

    private final long anchorEpochNanos;
    private final long anchorNanoTime;

    AnchoredClock() {
        Instant now = Instant.now();
        this.anchorNanoTime = System.nanoTime();
        this.anchorEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** @return the current time in nanoseconds since the Unix epoch */
    long nowEpochNanos() {
        return anchorEpochNanos + (System.nanoTime() - anchorNanoTime);
    }
}
