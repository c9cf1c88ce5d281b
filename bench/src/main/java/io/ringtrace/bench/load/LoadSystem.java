package io.ringtrace.bench.load;

import java.time.Duration;
import java.util.Map;

/**
 * One telemetry pipeline under load, emitting one item per call: a span ({@link RingtraceSystem},
 * {@link SdkSystem}: the {@link io.ringtrace.bench.SpanShape typical span}) or a log record (the
 * systems of {@link LogSystems}: the {@link io.ringtrace.bench.logs.LogShape typical record}),
 * exporting over OTLP/gRPC or OTLP/HTTP to the load tool's receiver, or (transport {@code none})
 * serializing every batch to OTLP in its own exporter stage and discarding it; or, for the Log4j2
 * file reference, writing a line to a file. {@link LoadRun} drives every kind the same way.
 */
public interface LoadSystem {

    /** @return the system's name in reports */
    String name();

    /**
     * Records and hands off one item (a typical span or log record): the producer-side work an
     * application pays per item. Called from several producer threads at once.
     *
     * @return false if the system refused the item at the call (ring API, ring full); the APIs that
     *     never refuse at the call count a full ring in their stats (ringtrace) or drop silently
     *     (the SDK's queue), so their losses show up as counted drops or as published minus received
     */
    boolean publish();

    /**
     * Flushes what was published and shuts down, waiting at most {@code deadline}.
     *
     * @param deadline the most to wait
     */
    void close(Duration deadline);

    /**
     * Called by the run thread only (window start, window end, after close).
     *
     * @return items the in-process discarding exporter has completed so far (transport
     *     {@code none}), or lines the file reference wrote; -1 when the receiver counts what was
     *     delivered
     */
    long exported();

    /**
     * Called by the run thread only (window start, window end, after close).
     *
     * @return items the system counted as dropped so far (all reasons); -1 if the system does not
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
     * @return items the system holds in its on-disk spool for later delivery; -1 when it has no
     *     spool
     */
    default long spooled() {
        return -1;
    }

    /** @return system-specific counters for the report (e.g. drops by reason), read after close */
    Map<String, Long> counters();
}
