package io.ringtrace.testkit;

import java.time.Duration;

/**
 * One scripted answer to one export call, in terms both transports share: accept (possibly late,
 * possibly with a partial success) or fail with a code and its details. Each receiver reads the
 * details its transport can carry and was scripted only with those.
 */
final class ScriptedReply {

    /** Accept at once with full success: the answer to every call nothing was scripted for. */
    static final ScriptedReply ACCEPT = accept(Duration.ZERO);

    /** The failure to answer with (a gRPC status code's value, or an HTTP status); 0 accepts the request. */
    final int failure;
    /** gRPC: the {@code google.rpc.RetryInfo} delay sent with the failure, or null for none. */
    final Duration retryDelay;
    /** HTTP: the {@code Retry-After} value sent with the failure as given (seconds or a date), or null. */
    final String retryAfter;
    /** HTTP: the message of the {@code google.rpc.Status} body sent with the failure, or null for no body. */
    final String statusMessage;
    /** How long the answer is held back. */
    final Duration delay;
    /** Spans a partial success reports rejected (capped at the request's span count). */
    final long rejectedSpans;
    /** The partial success's {@code error_message}; null answers with full success. */
    final String rejectionMessage;
    /** HTTP: accept, but answer 200 with a body that is not an export response. */
    final boolean unparseableReply;
    /** HTTP: read the request, record nothing and close the connection without a reply. */
    final boolean closeWithoutReply;

    private ScriptedReply(int failure, Duration retryDelay, String retryAfter, String statusMessage, Duration delay,
                          long rejectedSpans, String rejectionMessage, boolean unparseableReply,
                          boolean closeWithoutReply) {
        this.failure = failure;
        this.retryDelay = retryDelay;
        this.retryAfter = retryAfter;
        this.statusMessage = statusMessage;
        this.delay = delay;
        this.rejectedSpans = rejectedSpans;
        this.rejectionMessage = rejectionMessage;
        this.unparseableReply = unparseableReply;
        this.closeWithoutReply = closeWithoutReply;
    }

    static ScriptedReply accept(Duration delay) {
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("delay must be zero or positive, got " + delay);
        }
        return new ScriptedReply(0, null, null, null, delay, 0, null, false, false);
    }

    static ScriptedReply partialSuccess(long rejectedSpans, String message) {
        if (rejectedSpans < 0 || message == null) {
            throw new IllegalArgumentException("a partial success needs rejectedSpans >= 0 and a message");
        }
        return new ScriptedReply(0, null, null, null, Duration.ZERO, rejectedSpans, message, false, false);
    }

    /**
     * @param code the gRPC status code's value or the HTTP status, not 0
     * @param retryDelay gRPC {@code RetryInfo} delay, or null
     * @param retryAfter HTTP {@code Retry-After} value, or null
     * @param statusMessage HTTP {@code google.rpc.Status} body message, or null
     */
    static ScriptedReply failure(int code, Duration retryDelay, String retryAfter, String statusMessage) {
        if (code == 0) {
            throw new IllegalArgumentException("a failure needs a non-zero code");
        }
        return new ScriptedReply(code, retryDelay, retryAfter, statusMessage, Duration.ZERO, 0, null, false, false);
    }

    static ScriptedReply unparseableReply() {
        return new ScriptedReply(0, null, null, null, Duration.ZERO, 0, null, true, false);
    }

    static ScriptedReply closeWithoutReply() {
        return new ScriptedReply(0, null, null, null, Duration.ZERO, 0, null, false, true);
    }

    /** @return whether this answer is a failure (counted as a failed call, nothing recorded) */
    boolean fails() {
        return failure != 0 || closeWithoutReply;
    }
}
