package io.ringtrace.exporter;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets at most one message of a kind through per interval, and counts the ones it held back, so a
 * receiver failing thousands of requests per second does not flood the application's log.
 */
final class RateLimitedLog {

    private final System.Logger logger;
    private final System.Logger.Level level;
    private final long intervalNanos;
    /** The {@link System#nanoTime()} from which the next message may be logged. */
    private final AtomicLong nextAllowedNanos;
    private final AtomicLong suppressed = new AtomicLong();

    RateLimitedLog(System.Logger logger, System.Logger.Level level, long intervalNanos) {
        this.logger = logger;
        this.level = level;
        this.intervalNanos = intervalNanos;
        this.nextAllowedNanos = new AtomicLong(System.nanoTime());
    }

    /**
     * Claims the right to log now. The caller builds its message only when this returns true.
     *
     * @return whether a message may be logged now
     */
    boolean tryAcquire() {
        long now = System.nanoTime();
        long next = nextAllowedNanos.get();
        // CAS: of several threads failing at once, exactly one wins the slot; the rest are counted.
        if (now - next >= 0 && nextAllowedNanos.compareAndSet(next, now + intervalNanos)) {
            return logger.isLoggable(level);
        }
        suppressed.incrementAndGet();
        return false;
    }

    /**
     * Logs a message claimed with {@link #tryAcquire()}, with the count of those held back since.
     *
     * @param message the message (must never contain a header value)
     */
    void log(String message) {
        long held = suppressed.getAndSet(0);
        logger.log(level, held == 0 ? message : message + " (" + held + " similar messages suppressed)");
    }
}
