package io.ringtrace.log4j2;

import java.time.Instant;

/**
 * Epoch nanoseconds without allocation, for the records' observed time: the wall clock is read
 * once and advanced with {@link System#nanoTime()} (the OpenTelemetry SDK's anchored clock), so
 * it drifts from the wall clock only by the monotonic clock's drift.
 */
final class AnchoredClock {

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
