package io.ringtrace.engine.export;

import net.openhft.chronicle.bytes.Bytes;

/**
 * One sealed OTLP {@code ExportTraceServiceRequest} in an off-heap buffer, lent by the engine to a
 * {@link SpanExporter} until it is completed.
 *
 * <p>Exactly one of {@link #succeeded(long)} or {@link #failed(DropReason)} must be called, exactly
 * once; a second completion is a bug and throws {@link IllegalStateException} as long as the engine
 * has not reused this object yet. The engine pools these objects: once it has handed the same object
 * out again for a later request, a stale second completion cannot be told apart and completes that
 * later request. After completion the payload belongs to the engine again and must not be touched.
 */
public interface ExportRequest {

    /**
     * The serialized request: the bytes from {@code readPosition()} to {@code readLimit()} are one
     * complete protobuf {@code ExportTraceServiceRequest}. Read it with absolute reads (do not move
     * the positions). The buffer was filled on the serializer thread; implementations that read it
     * on another thread must not rely on Chronicle's single-threaded checks.
     *
     * @return the off-heap buffer holding the request
     */
    Bytes<?> payload();

    /** @return the number of spans encoded in {@link #payload()} */
    int spanCount();

    /**
     * Reports that another attempt is about to be made for this request (a retry after a retryable
     * failure), for the engine's statistics.
     */
    void retrying();

    /**
     * Completes the request: the receiver accepted it.
     *
     * @param rejectedSpans spans the receiver reported as rejected in an OTLP {@code partial_success}
     *     (0 for full success); counted as dropped with {@link DropReason#REJECTED}
     */
    void succeeded(long rejectedSpans);

    /**
     * Completes the request: it will not be delivered, and all its spans are counted as dropped.
     *
     * @param reason why the spans were lost
     */
    void failed(DropReason reason);
}
