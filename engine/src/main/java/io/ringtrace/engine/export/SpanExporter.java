package io.ringtrace.engine.export;

/**
 * The export stage's SPI: ships sealed OTLP {@code ExportTraceServiceRequest}s somewhere.
 *
 * <p>The engine's serializer thread calls {@link #export(ExportRequest)} once per sealed request.
 * The call must return quickly (start the I/O, never wait for the network): the serializer is
 * the only consumer of the ring, so time spent here is time the ring fills. The exporter owns the
 * request, and the off-heap buffer behind it, until it completes the request exactly once with
 * {@link ExportRequest#succeeded(long)} or {@link ExportRequest#failed(DropReason)}, from any
 * thread. Only then does the buffer go back to the engine's fixed pool, so a slow or failing
 * receiver turns into backpressure on the ring, never into unbounded memory.
 *
 * <p>Implementations: the {@code exporter} module's OTLP/gRPC exporter; an in-memory exporter in
 * the engine's test-jar.
 */
public interface SpanExporter {

    /**
     * Starts shipping one sealed request. Called only from the serializer thread, never after
     * {@link #shutdown(long)} has begun.
     *
     * @param request the sealed request; valid until the exporter completes it
     */
    void export(ExportRequest request);

    /**
     * Stops the exporter. Called once, after the last {@link #export(ExportRequest)}. Requests
     * still in flight get until {@code deadlineNanoTime} (a {@link System#nanoTime()} value) to
     * finish; pending retries are cut at the deadline and those requests completed with
     * {@link DropReason#SHUTDOWN}. Returns when every request handed to this exporter has been
     * completed, or at the deadline, and releases the exporter's threads and connections.
     *
     * @param deadlineNanoTime the {@link System#nanoTime()} by which to be done
     */
    void shutdown(long deadlineNanoTime);
}
