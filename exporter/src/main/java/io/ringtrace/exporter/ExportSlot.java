package io.ringtrace.exporter;

import io.ringtrace.engine.export.ExportRequest;
import java.util.concurrent.ScheduledFuture;
import net.openhft.chronicle.bytes.Bytes;

/**
 * One of an export stage's {@code maxInFlight} slots: the request it carries, that request's
 * attempt state, and the transport's reusable state for the slot. A {@link Transport} reads the
 * payload range and reports each attempt's end through it; the stage ({@link InFlightRequests})
 * owns everything else.
 *
 * <p>The request fields are guarded by the stage's lock. The transport reads the payload range
 * without it in {@link Transport#send}: the stage assigned the range under the lock before that
 * thread took the lock to start the attempt, and it does not change until the request completes.
 *
 * @param <S> the transport's state for this slot
 */
final class ExportSlot<S> {

    private final InFlightRequests<S> stage;
    private final S state;
    /** Starts this slot's next attempt on a transport thread; made once, so that starting allocates no task. */
    final Runnable starter;

    ExportRequest request;
    private Bytes<?> payload;
    private long payloadStart;
    private long payloadEnd;
    /** Attempts made for the current request, the one on the wire included. */
    int attempts;
    long firstAttemptNanos;
    /** Increases with each attempt and at completion, so a late report of an older attempt is recognised. */
    long attemptId;
    /** The attempt on the wire, or null. */
    Transport.Cancellable call;
    /** The pending retry, or null. */
    ScheduledFuture<?> retryTimer;
    long retryAtNanos;

    ExportSlot(InFlightRequests<S> stage, S state) {
        this.stage = stage;
        this.state = state;
        this.starter = () -> stage.startAttempt(this, stage.currentRequest(this));
    }

    /** @return the transport's state for this slot */
    S state() {
        return state;
    }

    /** @return the buffer holding the current request */
    Bytes<?> payload() {
        return payload;
    }

    /** @return where the request starts in {@link #payload()} (its read position when handed over) */
    long payloadStart() {
        return payloadStart;
    }

    /** @return where the request ends in {@link #payload()} (its read limit when handed over) */
    long payloadEnd() {
        return payloadEnd;
    }

    // ------------------------------------------------------------------ reports of the transport

    /**
     * Attempt {@code attemptId} is on the wire: a shutdown deadline cancels it through {@code call}
     * (at once, if the deadline has already passed).
     *
     * @param attemptId the attempt
     * @param call how to cancel it
     */
    void track(long attemptId, Transport.Cancellable call) {
        stage.track(this, attemptId, call);
    }

    /**
     * The receiver has the request: it completes as exported, {@code response}'s rejected count
     * counted, never sent again.
     *
     * @param attemptId the attempt
     * @param response the decoded reply (its problem, if any, is logged)
     * @param answer what the receiver answered, for log lines (e.g. {@code OK}, {@code HTTP 200})
     */
    void delivered(long attemptId, ExportResponse response, String answer) {
        stage.delivered(this, attemptId, response, false, answer);
    }

    /**
     * The receiver replied, but more than the transport reads: delivered all the same.
     *
     * @param attemptId the attempt
     * @param answer what the receiver answered, for the log line
     */
    void deliveredUnread(long attemptId, String answer) {
        stage.delivered(this, attemptId, ExportResponse.FULL_SUCCESS, true, answer);
    }

    /**
     * The attempt failed; the stage retries it if {@code retryable} and the policy allows, else
     * drops the request as {@code EXPORT_FAILED} with one rate-limited log line.
     *
     * @param attemptId the attempt
     * @param retryable whether the OTLP specification allows a retry of this failure
     * @param serverDelayNanos the receiver's throttling delay (replaces the backoff), or
     *     {@link RetryableStatus#NO_RETRY_INFO}
     * @param description what the log line says
     */
    void failed(long attemptId, boolean retryable, long serverDelayNanos, Transport.FailureDescription description) {
        stage.failed(this, attemptId, retryable, serverDelayNanos, description);
    }

    /**
     * The attempt was cut by the shutdown deadline (or could not start because the transport is
     * stopped): the request completes as {@code SHUTDOWN}.
     *
     * @param attemptId the attempt
     */
    void cancelled(long attemptId) {
        stage.cancelled(this, attemptId);
    }

    // ------------------------------------------------------------------ the stage's, under its lock

    void assign(ExportRequest next) {
        Bytes<?> nextPayload = next.payload();
        assign(next, nextPayload, nextPayload.readPosition(), nextPayload.readLimit());
    }

    void assign(ExportRequest next, Bytes<?> nextPayload, long start, long end) {
        request = next;
        payload = nextPayload;
        payloadStart = start;
        payloadEnd = end;
        attempts = 0;
    }

    void release() {
        request = null;
        payload = null;
        call = null;
        retryTimer = null;
        attempts = 0;
        attemptId++; // a late report of the released attempt is then recognised as stale
    }
}
