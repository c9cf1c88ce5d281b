package io.ringtrace.engine;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.Utf8Constant;

/**
 * Starts spans for one instrumentation scope: the span API. Get one per scope from
 * {@link TraceEngine#tracer(InstrumentationScope)} and keep it (it is immutable and thread-safe).
 *
 * <p>Parenting: {@link #start(Utf8Constant)} makes the new span a child of the calling thread's
 * current span: the innermost span this thread started that is still open. So nested spans on one
 * thread need nothing more. A started span becomes its thread's current span until it ends (if it
 * ends on another thread, the thread's current span falls back to the nearest still-open ancestor
 * at its next start). Use the overloads with an explicit parent for work that hops threads, and
 * {@link #start(Utf8Constant, int, TraceContext)} for a parent from an incoming request's
 * {@code traceparent}.
 *
 * <p>Sampling is decided at start by the engine's {@link Sampler} (one that throws makes the span not
 * sampled, counted in {@link EngineStats#samplerErrors()}). An unsampled span records nothing and
 * never touches the ring, but has a context (ids, flags) to propagate.
 *
 * <p>Cost: a thread-local lookup, id generation and the sampler, no allocation (after the thread's
 * first spans have created its pooled flyweights).
 */
public final class Tracer {

    private final TraceEngine engine;
    private final InstrumentationScope scope;

    Tracer(TraceEngine engine, InstrumentationScope scope) {
        this.engine = engine;
        this.scope = scope;
    }

    /** @return the instrumentation scope of this tracer's spans */
    public InstrumentationScope scope() {
        return scope;
    }

    /**
     * Starts an {@code INTERNAL} span, child of this thread's current span (or a root span).
     *
     * @param name the span name
     * @return the open span (the no-op span if the engine is disabled or closed, or this thread
     *     has {@code spansPerThread} spans open)
     */
    public Span start(Utf8Constant name) {
        return engine.startSpan(scope, name, null, SpanKind.INTERNAL, null, null, true);
    }

    /**
     * Starts a span, child of this thread's current span (or a root span).
     *
     * @param name the span name
     * @param kind a {@link SpanKind} constant
     * @return the open span
     */
    public Span start(Utf8Constant name, int kind) {
        return engine.startSpan(scope, name, null, kind, null, null, true);
    }

    /**
     * Starts a span with a name built at run time (encoded into the record now, so a reused
     * {@code StringBuilder} is fine), child of this thread's current span (or a root span).
     *
     * @param name the span name
     * @param kind a {@link SpanKind} constant
     * @return the open span
     */
    public Span start(CharSequence name, int kind) {
        return engine.startSpan(scope, null, name, kind, null, null, true);
    }

    /**
     * Starts a span with an explicit parent context, typically parsed from an incoming request's
     * {@code traceparent}/{@code tracestate}. The thread's current span is ignored.
     *
     * @param name the span name
     * @param kind a {@link SpanKind} constant
     * @param parent the parent context; null or invalid makes a root span
     * @return the open span
     */
    public Span start(Utf8Constant name, int kind, TraceContext parent) {
        return engine.startSpan(scope, name, null, kind, null, parent, false);
    }

    /**
     * Starts a span with an explicit parent span (which may belong to another thread). The thread's
     * current span is ignored.
     *
     * @param name the span name
     * @param kind a {@link SpanKind} constant
     * @param parent the parent span; null or the no-op span makes a root span
     * @return the open span
     */
    public Span start(Utf8Constant name, int kind, Span parent) {
        return engine.startSpan(scope, name, null, kind, parent, null, false);
    }

    /**
     * @return this thread's current span: the innermost span it started that is still open (with this
     *     tracer's engine), or the engine's no-op span (invalid context) when there is none
     */
    public Span currentSpan() {
        return engine.currentSpan();
    }
}
