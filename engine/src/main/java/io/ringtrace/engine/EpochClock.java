package io.ringtrace.engine;

import java.time.Instant;

/**
 * Wall-clock time in epoch nanoseconds without allocation: the epoch time is read once (with
 * nanosecond resolution where the platform has it) and advanced with {@link System#nanoTime()},
 * as the OpenTelemetry SDK's anchored clock does. Durations between two readings are therefore
 * monotonic; the absolute time drifts from the wall clock only by the monotonic clock's drift.
 */
final class EpochClock {

    private final long anchorEpochNanos;
    private final long anchorNanoTime;

    EpochClock() {
        Instant now = Instant.now();
        this.anchorNanoTime = System.nanoTime();
        this.anchorEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** @return the current time in nanoseconds since the Unix epoch */
    long nowEpochNanos() {
        return anchorEpochNanos + (System.nanoTime() - anchorNanoTime);
    }
}
