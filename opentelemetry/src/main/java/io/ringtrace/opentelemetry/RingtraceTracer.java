package io.ringtrace.opentelemetry;

import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;

/** An OpenTelemetry {@link Tracer} for one instrumentation scope, over the engine's tracer of that scope. */
final class RingtraceTracer implements Tracer {

    /** The SDK's name for a span whose name is null or blank. */
    static final String FALLBACK_SPAN_NAME = "<unspecified span name>";

    private final RingtraceOpenTelemetry otel;
    private final io.ringtrace.engine.Tracer engineTracer;

    RingtraceTracer(RingtraceOpenTelemetry otel, io.ringtrace.engine.Tracer engineTracer) {
        this.otel = otel;
        this.engineTracer = engineTracer;
    }

    /** @return the engine the spans go to */
    io.ringtrace.engine.TraceEngine engine() {
        return otel.engine;
    }

    io.ringtrace.engine.Tracer engineTracer() {
        return engineTracer;
    }

    /** @return a pooled builder of this thread (no allocation once the thread is warm) */
    @Override
    public SpanBuilder spanBuilder(String spanName) {
        String name = spanName == null || spanName.isBlank() ? FALLBACK_SPAN_NAME : spanName;
        return otel.threadSpans().builder().reset(engineTracer, name);
    }

    /** @return false once the engine is closed (or when it is disabled): spans would go nowhere */
    @Override
    public boolean isEnabled() {
        return !otel.engine.isClosed() && !otel.engine.isDisabled();
    }

    @Override
    public String toString() {
        return "RingtraceTracer{" + engineTracer.scope() + "}";
    }
}
