package io.ringtrace.exporter;

import static java.lang.System.Logger.Level.WARNING;

import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.internal.monitor.RateLimitedLog;
import java.util.concurrent.TimeUnit;

/**
 * The log lines of an export stage, each kind at most once per 10 s so that a broken receiver
 * cannot flood the application's log: dropped requests, partial rejections, and replies that
 * cannot be read. Lines name the destination and the count, never a header value; text from the
 * receiver is cut and cleaned by {@link ReceiverText} before it gets here.
 */
final class ExportLog {

    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final System.Logger log;
    private final RateLimitedLog failureLog;
    private final RateLimitedLog rejectionLog;
    private final RateLimitedLog unreadableReplyLog;

    /** @param log the exporter's logger */
    ExportLog(System.Logger log) {
        this.log = log;
        this.failureLog = new RateLimitedLog(log, LOG_INTERVAL_NANOS);
        this.rejectionLog = new RateLimitedLog(log, LOG_INTERVAL_NANOS);
        this.unreadableReplyLog = new RateLimitedLog(log, LOG_INTERVAL_NANOS);
    }

    /** A request is dropped: {@code description} says why, if no such line was written in the last 10 s. */
    void dropped(ExportRequest request, String decision, Transport.FailureDescription description) {
        if (failureLog.tryAcquire(WARNING)) {
            failureLog.logAcquired(WARNING, description.describe(request, decision));
        }
    }

    /**
     * A delivered request's reply: warns of a reply too large to read, of one that is not a valid
     * response, and of a partial rejection, each rate-limited.
     */
    void delivered(ExportRequest request, String destination, String answer, ExportResponse response, boolean unread) {
        if (unread && unreadableReplyLog.tryAcquire(WARNING)) {
            unreadableReplyLog.logAcquired(WARNING, "OTLP receiver " + destination + " answered " + answer + " to "
                    + request.spanCount() + " " + ExportMethod.itemsOf(request.signal()) + " with a reply larger than the "
                    + ExportResponse.MAX_REPLY_BYTES + " bytes the exporter reads; a reply means the receiver has the"
                    + " request: counted as exported, not sent again");
        }
        if (response.problem != null && unreadableReplyLog.tryAcquire(WARNING)) {
            unreadableReplyLog.logAcquired(WARNING, "OTLP receiver " + destination + " answered " + answer + " to "
                    + request.spanCount() + " " + ExportMethod.itemsOf(request.signal()) + " with a reply that is not a valid "
                    + ExportMethod.responseOf(request.signal()) + " (" + response.problem
                    + "); the receiver has the request: counted as exported, not sent again");
        }
        if (!response.errorMessage.isEmpty() && rejectionLog.tryAcquire(WARNING)) {
            rejectionLog.logAcquired(WARNING, "OTLP receiver " + destination + " rejected " + response.rejectedSpans + " of "
                    + request.spanCount() + " " + ExportMethod.itemsOf(request.signal()) + ": " + response.errorMessage);
        }
    }

    /** The engine's completion threw: its business, but one bug there must not stop the exporter. */
    void completionFailed(RuntimeException e) {
        log.log(System.Logger.Level.ERROR, "completing an export request failed", e);
    }
}
