package io.ringtrace.engine.internal.monitor;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link System.Logger} front that lets at most one message through per interval and counts the
 * ones it held back; the next message that passes says how many were suppressed. Used only for
 * diagnostics off the hot path (monitor callbacks, background threads, the OTLP exporters'
 * completion threads), never per span.
 *
 * <p>Bound: two counters; suppressed messages are counted, not queued.
 */
public final class RateLimitedLog {

    private final Logger logger;
    private final long minIntervalNanos;
    // nanoTime before which no further message passes; Long.MIN_VALUE = nothing logged yet.
    private final AtomicLong nextAllowedNanos = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    /**
     * @param logger where messages go
     * @param minIntervalNanos the minimum time between two messages that pass; 0 lets every message
     *     through
     */
    public RateLimitedLog(Logger logger, long minIntervalNanos) {
        if (logger == null) {
            throw new NullPointerException("logger");
        }
        if (minIntervalNanos < 0) {
            throw new IllegalArgumentException("minIntervalNanos must be >= 0, got " + minIntervalNanos);
        }
        this.logger = logger;
        this.minIntervalNanos = minIntervalNanos;
    }

    /**
     * Logs the message if the interval since the last logged message has passed, else counts it as
     * suppressed.
     *
     * @param level the level
     * @param message the message
     * @return whether the message was logged
     */
    public boolean log(Level level, String message) {
        return log(level, message, null);
    }

    /**
     * As {@link #log(Level, String)}, with the exception that caused the message.
     *
     * @param level the level
     * @param message the message
     * @param thrown the cause, logged with its stack trace when the message passes; may be null
     * @return whether the message was logged
     */
    public boolean log(Level level, String message, Throwable thrown) {
        if (!tryAcquire(level)) {
            return false;
        }
        logAcquired(level, message, thrown);
        return true;
    }

    /**
     * Claims the right to log one message now, for a caller that builds its message only when it
     * may log it (a receiver failing thousands of requests a second then costs no string building).
     * After {@code true}, log the message with {@link #logAcquired(Level, String)}.
     *
     * @param level the level the message will have
     * @return whether a message may be logged now; {@code false} if the level is off or the
     *     interval has not passed (then the message counts as suppressed)
     */
    public boolean tryAcquire(Level level) {
        if (!logger.isLoggable(level)) {
            return false;
        }
        long now = System.nanoTime();
        long next = nextAllowedNanos.get();
        // The first message always passes; later ones only when the interval elapsed, and only the
        // thread that wins the compare-and-set logs (the others count as suppressed).
        boolean due = next == Long.MIN_VALUE || now - next >= 0;
        if (!due || !nextAllowedNanos.compareAndSet(next, now + minIntervalNanos)) {
            suppressed.incrementAndGet();
            return false;
        }
        return true;
    }

    /**
     * Logs a message claimed with {@link #tryAcquire(Level)}, saying how many were held back since
     * the previous one.
     *
     * @param level the level given to {@link #tryAcquire(Level)}
     * @param message the message
     */
    public void logAcquired(Level level, String message) {
        logAcquired(level, message, null);
    }

    /**
     * As {@link #logAcquired(Level, String)}, with the exception that caused the message.
     *
     * @param level the level given to {@link #tryAcquire(Level)}
     * @param message the message
     * @param thrown the cause, logged with its stack trace; may be null
     */
    public void logAcquired(Level level, String message, Throwable thrown) {
        long held = suppressed.getAndSet(0);
        String text = held == 0 ? message : message + " (" + held + " similar messages suppressed)";
        if (thrown == null) {
            logger.log(level, text);
        } else {
            logger.log(level, text, thrown);
        }
    }

    /** @return messages held back since the last one that passed */
    public long suppressed() {
        return suppressed.get();
    }
}
