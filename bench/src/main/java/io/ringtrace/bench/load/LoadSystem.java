package io.ringtrace.bench.load;

import java.time.Duration;
import java.util.Map;

/**
 * One tracing pipeline under load (ringtrace or the OpenTelemetry SDK), exporting over OTLP/gRPC or
 * OTLP/HTTP to the load tool's receiver, or (transport {@code none}) serializing every batch to OTLP
 * in its own exporter stage and discarding it. Implementations record the {@link io.ringtrace.bench.SpanShape
 * typical span}.
 */
public interface TracingSystem {

    /** @return the system's name in reports */
    String name();

    /**
     * Records and hands off one typical span: the producer-side work an application pays per span.
     * Called from several producer threads at once.
     *
     * @return false if the system refused the span at the call (ring full); the SDK never reports
     *     refusals here (its queue drops silently), so its losses show up as published minus
     *     received
     */
    boolean publishSpan();

    /**
     * Flushes what was published and shuts down, waiting at most {@code deadline}.
     *
     * @param deadline the most to wait
     */
    void close(Duration deadline);

    /**
     * Called by the run thread only (window start, window end, after close).
     *
     * @return spans the in-process discarding exporter has completed so far (transport
     *     {@code none}); -1 with the OTLP transport, where the receiver counts what was delivered
     */
    long exportedSpans();

    /**
     * Called by the run thread only (window start, window end, after close).
     *
     * @return spans the system counted as dropped so far (all reasons); -1 if the system does not
     *     count its drops (the SDK's queue drops silently)
     */
    long countedDrops();

    /**
     * Called by the run thread only (window start, window end).
     *
     * @return the export latencies recorded so far (hand-off to the exporter until completion)
     */
    ExportLatency exportLatency();

    /**
     * Called by the run thread only.
     *
     * @return spans the system holds in its on-disk spool for later delivery; -1 when it has no
     *     spool
     */
    default long spooledSpans() {
        return -1;
    }

    /** @return system-specific counters for the report (e.g. drops by reason), read after close */
    Map<String, Long> counters();
}
