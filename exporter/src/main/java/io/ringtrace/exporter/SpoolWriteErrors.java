package io.ringtrace.exporter;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.internal.monitor.RateLimitedLog;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * The spool's write failures (the disk full, the process's file-size limit, any other I/O error):
 * counts them, logs them at most once per 10 s, and pauses the spool for {@link #PAUSE_NANOS} after
 * each, so that meanwhile the export stage behaves as without a spool (it sends, retries and drops
 * itself) instead of handing every request to a disk that cannot take it. Written by the spool's
 * thread, read by any.
 */
final class SpoolWriteErrors {

    /** How long the spool takes no new request after a write failed. */
    static final long PAUSE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final RateLimitedLog log = new RateLimitedLog(System.getLogger(Spool.class.getName()),
            TimeUnit.SECONDS.toNanos(10));
    /** Set after {@link #pausedUntilNanos} at the first failure, so a reader that sees it sees a deadline. */
    private volatile boolean failedOnce;
    private volatile long pausedUntilNanos;
    private volatile long count;

    /** @return whether a write failed less than {@link #PAUSE_NANOS} ago */
    boolean paused() {
        return failedOnce && System.nanoTime() - pausedUntilNanos < 0;
    }

    /**
     * A write failed (spool thread): counts it, pauses the spool, logs it.
     *
     * @param directory the spool's directory
     * @param items the items of the request that could not be written
     * @param error what went wrong
     */
    void failed(Object directory, int items, Exception error) {
        count++; // the spool's thread only
        pausedUntilNanos = System.nanoTime() + PAUSE_NANOS;
        failedOnce = true;
        log.log(Level.WARNING, "spool " + directory + ": cannot write a request of " + items + " items (" + error
                + "); dropped as " + DropReason.SPOOL_IO_ERROR + ", and no request is spooled for the next "
                + TimeUnit.NANOSECONDS.toSeconds(PAUSE_NANOS) + " s");
    }

    /** @return write failures so far */
    long count() {
        return count;
    }
}
