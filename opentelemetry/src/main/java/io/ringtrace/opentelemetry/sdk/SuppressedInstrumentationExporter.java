package io.ringtrace.opentelemetry.sdk;

import io.opentelemetry.api.impl.InstrumentationUtil;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;

/**
 * Starts each export inside OpenTelemetry's "suppress instrumentation" context, so that an agent
 * that instruments the client library an exporter uses (the JDK {@code HttpClient} of ringtrace's
 * OTLP/HTTP exporter) does not trace ringtrace's own exports: without it, every export would make a
 * span, which would be exported, and so on. The context reaches the exporter's retries and
 * callbacks the way the agent propagates any context. Allocates per request (the context and the
 * task), never per span.
 */
final class SuppressedInstrumentationExporter implements SpanExporter {

    private final SpanExporter delegate;

    private SuppressedInstrumentationExporter(SpanExporter delegate) {
        this.delegate = delegate;
    }

    /**
     * @param exporter the exporter
     * @return it wrapped, or itself where the OpenTelemetry API is older than 1.63 (no such context key)
     */
    static SpanExporter wrap(SpanExporter exporter) {
        try {
            // a class literal, not a name: the agent rewrites an extension's class references to its
            // own (relocated) OpenTelemetry API, never the strings in it
            Class<?> present = InstrumentationUtil.class;
            return present != null ? new SuppressedInstrumentationExporter(exporter) : exporter;
        } catch (LinkageError e) {
            return exporter;
        }
    }

    @Override
    public void export(ExportRequest request) {
        InstrumentationUtil.suppressInstrumentation(() -> delegate.export(request)); // a throw passes through: "not taken"
    }

    @Override
    public int maxInFlight() {
        return delegate.maxInFlight();
    }

    @Override
    public void shutdown(long deadlineNanoTime) {
        delegate.shutdown(deadlineNanoTime);
    }

    @Override
    public String toString() {
        return delegate.toString();
    }
}
