package io.ringtrace.engine.export;

import net.openhft.chronicle.bytes.Bytes;

/**
 * One sealed OTLP export request of one {@link Signal} (an {@code ExportTraceServiceRequest} for
 * {@link Signal#TRACES}) in an off-heap buffer, lent by the engine to a {@link SpanExporter} for one
 * hand-out, until it is completed.
 *
 * <p>Exactly one of {@link #succeeded(long)}, {@link #failed(DropReason)} or {@link #spooled()} must be called, exactly
 * once, by the exporter that took the request (see {@link SpanExporter#export(ExportRequest)} for
 * when it takes it). After completion the payload belongs to the engine again and must not be
 * touched.
 *
 * <p>The engine reuses its buffers, but every hand-out gets a handle checked against that hand-out
 * (a generation number): a call through a handle whose hand-out is over (the request was completed,
 * or the engine took it back because {@code export()} threw) throws {@link IllegalStateException} and
 * never reads, retries or completes the later request the same buffer may hold by then. Such
 * completions change no count other than {@code EngineStats.rejectedCompletions()}. The engine lends
 * each handle again only after several later hand-outs of its buffer, and never again one whose
 * {@code export()} threw; a second completion long after the first is outside the contract.
 */
public interface ExportRequest {

    /**
     * The serialized request: the bytes from {@code readPosition()} to {@code readLimit()} are one
     * complete protobuf export request of {@link #signal()} ({@code ExportTraceServiceRequest} for
     * traces). Read it with absolute reads (do not move
     * the positions). The buffer was filled on the serializer thread; implementations that read it
     * on another thread must not rely on Chronicle's single-threaded checks. Valid until this request
     * is completed; keep no reference to the buffer past that.
     *
     * @return the off-heap buffer holding the request
     * @throws IllegalStateException if this hand-out is over (completed, or taken back by the engine)
     */
    Bytes<?> payload();

    /**
     * The signal of {@link #payload()}, which decides where a transport sends it. The span pipeline's
     * requests are {@link Signal#TRACES}, the default.
     *
     * @return the signal
     */
    default Signal signal() {
        return Signal.TRACES;
    }

    /** @return the number of items (spans; data points or log records for those signals) in {@link #payload()} */
    int spanCount();

    /**
     * Reports that another attempt is about to be made for this request (a retry after a retryable
     * failure), for the engine's statistics.
     *
     * @throws IllegalStateException if this hand-out is over
     */
    void retrying();

    /**
     * Completes the request: the receiver accepted it.
     *
     * @param rejectedSpans spans the receiver reported as rejected in an OTLP {@code partial_success}
     *     (0 for full success); counted as dropped with {@link DropReason#REJECTED}
     * @throws IllegalStateException if the request was completed before, or this handle is stale
     */
    void succeeded(long rejectedSpans);

    /**
     * Completes the request: it will not be delivered, and all its spans are counted as dropped.
     *
     * @param reason why the spans were lost
     * @throws IllegalStateException if the request was completed before, or this handle is stale
     */
    void failed(DropReason reason);

    /**
     * Completes the request: its bytes are in the exporter's on-disk spool, to be delivered later.
     * Its items are counted as spooled, and the exporter reports their fate later through the
     * {@link SpoolLedger} the engine bound for this request's signal
     * ({@link SpanExporter#bindSpool(Signal, SpoolLedger)}). An exporter calls this only for a
     * signal whose ledger was bound.
     *
     * @throws IllegalStateException if the request was completed before, or this handle is stale
     * @throws UnsupportedOperationException if the engine that lent the request does not count
     *     spooled items (the default; the request is then not completed)
     */
    default void spooled() {
        throw new UnsupportedOperationException("this export request cannot be completed as spooled");
    }
}
