package io.ringtrace.bench.load;

import java.time.Duration;
import java.util.Map;

/**
 * One tracing pipeline under load (ringtrace or the OpenTelemetry SDK), exporting over OTLP/gRPC to
 * the load tool's receiver. Implementations record the {@link io.ringtrace.bench.SpanShape typical
 * span}.
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

    /** @return system-specific counters for the report (e.g. drops by reason), read after close */
    Map<String, Long> counters();
}
