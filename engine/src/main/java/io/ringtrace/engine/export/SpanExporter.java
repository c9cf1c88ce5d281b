package io.ringtrace.engine.export;

/**
 * The export stage's SPI: ships sealed OTLP export requests somewhere. Each request names its
 * {@link ExportRequest#signal() signal}, so one transport carries traces, metrics and logs.
 *
 * <p>The engine's serializer thread calls {@link #export(ExportRequest)} once per sealed request.
 * The call must return quickly (start the I/O, never wait for the network): the serializer is
 * the only consumer of the ring, so time spent here is time the ring fills. The exporter owns the
 * request, and the off-heap buffer behind it, until it completes the request exactly once with
 * {@link ExportRequest#succeeded(long)} or {@link ExportRequest#failed(DropReason)}, from any
 * thread. Only then does the buffer go back to the engine's fixed pool, so a slow or failing
 * receiver turns into backpressure on the ring, never into unbounded memory. Complete a request only
 * once nothing reads its payload any more (a compression or a write still draining it must end
 * first): from the completion on, the engine refills the buffer, or frees it when closing.
 *
 * <p>Implementations: the {@code exporter} module's OTLP/HTTP and OTLP/gRPC exporters; an in-memory exporter in
 * the engine's test-jar.
 */
public interface SpanExporter {

    /**
     * Starts shipping one sealed request. Called only from the serializer thread, never after
     * {@link #shutdown(long)} has begun.
     *
     * <p>Ownership passes in one of exactly two ways:
     * <ul>
     *   <li>the exporter takes the request (starts a call, queues it, assigns it to an in-flight
     *       slot, or completes it at once): then it owns it, must complete it exactly once, and
     *       {@code export} must return normally. Anything that can fail after the request was taken
     *       must be reported by completing the request with {@link ExportRequest#failed(DropReason)},
     *       never by throwing;
     *   <li>{@code export} throws before taking it (nothing kept, nothing started, the payload not
     *       read after the throw): the engine completes it as {@link DropReason#EXPORT_FAILED}, logs
     *       the exception and reuses the buffer at once.
     * </ul>
     * The engine cannot tell the two apart except by the throw, so a throw always means "not taken":
     * a handle kept across a throw is stale: reading its payload or completing it throws
     * {@link IllegalStateException} (a completion is counted in
     * {@code EngineStats.rejectedCompletions()}) without touching the later request that reuses the
     * buffer.
     *
     * @param request the sealed request; valid until the exporter completes it
     */
    void export(ExportRequest request);

    /**
     * The most requests this exporter works on at once (sent and not yet completed). The engine
     * sizes its request-buffer pool from it: with {@code maxInFlight()} buffers in flight, one more
     * is needed for the serializer to fill meanwhile, or it waits and the ring fills. Read once, by
     * {@code TraceEngineBuilder.build()}.
     *
     * @return at least 1; default 1 (an exporter that completes each request before taking the next)
     */
    default int maxInFlight() {
        return 1;
    }

    /**
     * Tells an exporter with an on-disk spool where to report the fate of spooled items of
     * {@code signal} ({@link SpoolLedger}); from then on it may complete requests of that signal
     * with {@link ExportRequest#spooled()}. Called by the engine that publishes the signal, once, at
     * build, before the first {@link #export(ExportRequest)}. An exporter never spools a signal no
     * engine bound.
     *
     * @param signal the signal the engine publishes
     * @param ledger where that engine counts spooled items
     */
    default void bindSpool(Signal signal, SpoolLedger ledger) {}

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
