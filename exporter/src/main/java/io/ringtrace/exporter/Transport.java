package io.ringtrace.exporter;

import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.Signal;

/**
 * One OTLP transport's share of an export stage: how one attempt of a sealed request goes over the
 * wire, and how the transport's reply (a gRPC status, an HTTP status) maps to what
 * {@link InFlightRequests} decides on: delivered, retryable, not retryable or cancelled.
 * Everything else (the in-flight bound, the waiting list, the retry schedule, completion exactly
 * once, the drain at shutdown) is {@link InFlightRequests}'s, the same for every transport and
 * every signal.
 *
 * @param <S> what the transport keeps per in-flight slot (reused bodies, prepared requests), made once
 */
interface Transport<S> {

    /**
     * Makes the transport's state for one of the {@code maxInFlight} slots; called once per slot
     * when the stage is built.
     *
     * @return the slot's state, handed back with every attempt the slot sends
     */
    S newSlotState();

    /**
     * Attempt {@code attemptId} of the slot's request begins: from now on the transport may read the
     * slot's payload range, until {@link #release}. Called with the stage's lock held, just before
     * {@link #send}, so it must return promptly and call nothing back.
     *
     * @param state the slot's state
     * @param slot the slot, with the payload range of its request
     * @param attemptId the attempt
     */
    void arm(S state, ExportSlot<S> slot, long attemptId);

    /**
     * Starts one attempt of {@code request}, which {@code slot} carries, and reports its end exactly
     * once through the slot ({@link ExportSlot#delivered}, {@link ExportSlot#failed},
     * {@link ExportSlot#cancelled}), from any thread, possibly before this method returns. Runs on
     * the serializer or a transport thread and never throws: a failure to start is reported as the
     * attempt's end. Once the attempt is on the wire, the transport hands its cancel handle to
     * {@link ExportSlot#track}, so that a shutdown deadline can cut it.
     *
     * @param slot the slot, whose payload range stays valid until the attempt's end is reported
     * @param attemptId the attempt's id, passed back with its end so that a late report is recognised
     * @param request the request the slot carries
     */
    void send(ExportSlot<S> slot, long attemptId, ExportRequest request);

    /**
     * The slot's request is being completed: from the return of this method on, nothing of the
     * transport may read its payload (an attempt still on the wire fails instead) (the engine refills or frees the buffer). Called with the
     * stage's lock held, so it must return promptly and call nothing back.
     *
     * @param state the slot's state
     */
    void release(S state);

    /** A retry is due and about to be sent (gRPC resets its connect backoff here). */
    default void beforeRetry() {}

    /**
     * Whether the transport knows now that it cannot reach the receiver (its last connection attempt
     * failed), so that attempts in flight wait for a connection rather than for a reply. The spool
     * then takes the requests queued behind them at once instead of after {@code spoolAfter}. Called
     * by the spool's thread every tick: cheap, no allocation.
     *
     * @return true if the receiver is known unreachable; false if reachable or not known
     */
    default boolean receiverUnreachable() {
        return false;
    }

    /**
     * @param signal a signal
     * @return where that signal's requests go, for log lines (no user-info, no header value)
     */
    String destination(Signal signal);

    /** Cuts an attempt on the wire; its end is then reported as {@link ExportSlot#cancelled} or a failure. */
    interface Cancellable {
        /** Cancels the attempt; it reports its end as usual. */
        void cancel();
    }

    /** Says why an attempt failed, for the one log line that reports a dropped request. */
    interface FailureDescription {
        /**
         * @param request the request that is dropped
         * @param decision why it is dropped ("not retryable", "gave up after 5 attempts", ...)
         * @return the log line
         */
        String describe(ExportRequest request, String decision);
    }
}
