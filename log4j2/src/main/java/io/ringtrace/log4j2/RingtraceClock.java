package io.ringtrace.log4j2;

import org.apache.logging.log4j.core.time.MutableInstant;
import org.apache.logging.log4j.core.time.PreciseClock;

/**
 * A Log4j2 clock with nanosecond timestamps that allocates nothing: select it with {@code
 * -Dlog4j2.clock=io.ringtrace.log4j2.RingtraceClock}. Log4j2's default {@code SystemClock} reads
 * {@code java.time.Instant.now()} for every event, 24 bytes on the logging thread unless the JIT
 * removes them; {@code SystemMillisClock} allocates nothing but keeps milliseconds only. This
 * clock reads the wall clock once and advances it with {@link System#nanoTime()} (as the
 * OpenTelemetry SDK's anchored clock does): events are ordered as they happened, and the times
 * drift from the wall clock only by the monotonic clock's drift (a wall-clock step, such as an NTP
 * correction, is not followed until the process restarts). Thread-safe.
 */
public final class RingtraceClock implements PreciseClock {

    private static final AnchoredClock CLOCK = AnchoredClock.SHARED;

    /** Log4j2 makes the clock by its class name. */
    public RingtraceClock() {
    }

    @Override
    public long currentTimeMillis() {
        return CLOCK.nowEpochNanos() / 1_000_000L;
    }

    @Override
    public void init(MutableInstant instant) {
        long now = CLOCK.nowEpochNanos();
        instant.initFromEpochSecond(now / 1_000_000_000L, (int) (now % 1_000_000_000L));
    }
}
