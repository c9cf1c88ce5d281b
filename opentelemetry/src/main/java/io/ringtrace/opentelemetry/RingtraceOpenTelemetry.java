package io.ringtrace.opentelemetry;

import io.ringtrace.opentelemetry.internal.AttributeKeys;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.ringtrace.engine.TraceEngine;

/**
 * The OpenTelemetry API implemented directly on a ringtrace {@link TraceEngine}, without the SDK:
 * code written against {@code io.opentelemetry.api} (a library's instrumentation, your own
 * {@code Tracer}/{@code Span} calls) records into the engine's ring, and the engine encodes and
 * exports the spans with its sampler, limits, resource, overload policy and accounting.
 *
 * <pre>{@code
 * TraceEngine engine = TraceEngine.builder().fromEnvironment().exporter(exporter).build();
 * OpenTelemetry otel = RingtraceOpenTelemetry.create(engine);
 * Tracer tracer = otel.getTracer("com.example.orders", "1.0");
 * Span span = tracer.spanBuilder("handle order").setSpanKind(SpanKind.SERVER)
 *         .setAttribute(ORDER_ID, id).startSpan();
 * try (Scope ignored = span.makeCurrent()) {
 *     ...                                  // OpenTelemetry-instrumented calls here become its children
 * } finally {
 *     span.end();                          // copied into a ring slot and published
 * }
 * }</pre>
 *
 * <p>Cost: span builders and span states are pooled per thread; a span allocates only its 32-byte
 * handle ({@code RingtraceSpan}'s class comment says why), and {@code makeCurrent()} adds what
 * {@code Context} itself allocates plus a 56-byte span context. Semantics follow the SDK (limits,
 * status, events, exceptions, repeated keys); the differences are listed in the module README.
 *
 * <p>Only tracing: {@link #getMeterProvider()} and {@link #getLogsBridge()} are the API's no-op ones.
 * Closing the engine is the application's job; afterwards {@code Tracer.isEnabled()} is false and
 * spans carry their parent's context only.
 */
public final class RingtraceOpenTelemetry implements OpenTelemetry {

    final TraceEngine engine;
    final AttributeKeys keys = new AttributeKeys();
    private final ContextPropagators propagators;
    private final RingtraceTracerProvider tracerProvider;
    /**
     * Per-thread pools of this instance. An instance's thread-local, not a static one, so that two
     * instances (two engines) never share pooled state; a collected instance's entries go with the
     * thread-local's weak key.
     */
    private final ThreadLocal<ThreadSpans> threadSpans;

    private RingtraceOpenTelemetry(TraceEngine engine, ContextPropagators propagators) {
        this.engine = engine;
        this.propagators = propagators;
        this.tracerProvider = new RingtraceTracerProvider(this);
        this.threadSpans = ThreadLocal.withInitial(() -> new ThreadSpans(this));
    }

    /**
     * The API on {@code engine}, with W3C {@code traceparent}/{@code tracestate} and {@code baggage}
     * propagation (the SDK autoconfiguration's default, {@code OTEL_PROPAGATORS=tracecontext,baggage}).
     *
     * @param engine the engine that receives the spans; not null
     * @return the OpenTelemetry instance
     */
    public static RingtraceOpenTelemetry create(TraceEngine engine) {
        return create(engine, ContextPropagators.create(TextMapPropagator.composite(
                W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance())));
    }

    /**
     * @param engine the engine that receives the spans; not null
     * @param propagators what {@link #getPropagators()} returns; not null
     * @return the OpenTelemetry instance
     */
    public static RingtraceOpenTelemetry create(TraceEngine engine, ContextPropagators propagators) {
        if (engine == null) {
            throw new IllegalArgumentException("engine must not be null");
        }
        if (propagators == null) {
            throw new IllegalArgumentException("propagators must not be null");
        }
        return new RingtraceOpenTelemetry(engine, propagators);
    }

    @Override
    public TracerProvider getTracerProvider() {
        return tracerProvider;
    }

    @Override
    public ContextPropagators getPropagators() {
        return propagators;
    }

    /** @return the engine the spans go to */
    public TraceEngine engine() {
        return engine;
    }

    /** @return this thread's pools (created on its first span) */
    ThreadSpans threadSpans() {
        return threadSpans.get();
    }

    @Override
    public String toString() {
        return "RingtraceOpenTelemetry{" + engine + "}";
    }
}
