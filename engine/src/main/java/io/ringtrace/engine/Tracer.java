package io.ringtrace.engine;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanFlags;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.DropReason;

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
        return start(name, null, SpanKind.INTERNAL, null, null, true);
    }

    /**
     * Starts a span, child of this thread's current span (or a root span).
     *
     * @param name the span name
     * @param kind a {@link SpanKind} constant
     * @return the open span
     */
    public Span start(Utf8Constant name, int kind) {
        return start(name, null, kind, null, null, true);
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
        return start(null, name, kind, null, null, true);
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
        return start(name, null, kind, null, parent, false);
    }

    /**
     * Starts a span with a name built at run time (encoded into the record now) and an explicit
     * parent context. The thread's current span is ignored.
     *
     * @param name the span name
     * @param kind a {@link SpanKind} constant
     * @param parent the parent context; null or invalid makes a root span
     * @return the open span
     */
    public Span start(CharSequence name, int kind, TraceContext parent) {
        return start(null, name, kind, null, parent, false);
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
        return start(name, null, kind, parent, null, false);
    }

    /**
     * @return this thread's current span: the innermost span it started that is still open (with this
     *     tracer's engine), or the engine's no-op span (invalid context) when there is none
     */
    public Span currentSpan() {
        return engine.currentSpan();
    }

    /**
     * Starts a span, top to bottom: the arguments, the parent (this thread's current span, an
     * explicit span or a remote context), ids, the sampling decision, a pooled span from this
     * thread's pool, and, if sampled, its record's header (scope, ids, flags, kind, start, name,
     * parent and trace state) in the slot format, ready for attributes until {@code end()}.
     */
    private Span start(Utf8Constant name, CharSequence nameChars, int kind, Span explicitParent,
                       TraceContext contextParent, boolean useCurrent) {
        final TraceEngine engine = this.engine;
        if (name == null && nameChars == null) {
            throw new IllegalArgumentException("span name must not be null");
        }
        if (kind < SpanKind.UNSPECIFIED || kind > SpanKind.CONSUMER) {
            throw new IllegalArgumentException("span kind must be a SpanKind constant (0-5), got " + kind);
        }
        if (engine.isClosed()) {
            return engine.noopSpan();
        }
        SpanPool pool = engine.pool(); // per-thread pool: no contention
        Span localParent = null;
        TraceContext parent = null;
        if (useCurrent) {
            localParent = pool.current();
            parent = localParent == null ? null : localParent.context;
        } else if (explicitParent != null && explicitParent.isValid()) {
            parent = explicitParent.context;
            localParent = explicitParent.pool == pool ? explicitParent : null;
        } else if (contextParent != null && contextParent.isValid()) {
            parent = contextParent;
        }
        boolean hasParent = parent != null;
        long traceIdHigh = hasParent ? parent.traceIdHigh : Ids.randomTraceIdHigh();
        long traceIdLow = hasParent ? parent.traceIdLow : Ids.randomTraceIdLow();
        boolean parentRemote = hasParent && parent.remote;
        boolean sampled = engine.sample(hasParent, parentRemote, hasParent && parent.isSampled(), traceIdHigh, traceIdLow);
        long now = engine.clock.nowEpochNanos();
        // leak detector debug setting: keep a run-time name too (allocates; off by default)
        Span span = pool.acquire(now, name == null && engine.leakStacks() ? nameChars.toString() : name);
        if (span == null) {
            if (sampled) {
                engine.counters.droppedAtEdge(DropReason.POOL_EXHAUSTED);
            }
            return engine.noopSpan();
        }
        long spanId = Ids.randomSpanId();
        long parentSpanId = hasParent ? parent.spanId : Ids.INVALID_SPAN_ID;
        int flags = sampled ? TraceContext.SAMPLED_FLAG : 0;
        span.context.set(traceIdHigh, traceIdLow, spanId, flags, false);
        if (hasParent) {
            span.context.copyTraceState(parent);
        }
        span.sampled = sampled;
        span.eventAdded = false;
        span.parentSpanId = parentSpanId;
        span.parent = localParent;
        span.parentGeneration = localParent == null ? 0 : localParent.generation;
        if (sampled) {
            SpanRecord record = span.record.reset();
            record.scope(scope).traceId(traceIdHigh, traceIdLow).spanId(spanId)
                    .traceFlags(SpanFlags.of(flags, parentRemote)).kind(kind).startEpochNanos(now);
            // the name before the trace state: they share the record's text bytes, and an incoming
            // tracestate of up to 512 chars must not crowd out the name (the record then drops whole
            // tracestate members from the end)
            if (name != null) {
                record.name(name);
            } else {
                record.name(nameChars);
            }
            if (hasParent) {
                record.parentSpanId(parentSpanId);
                if (span.context.traceStateLength > 0) {
                    record.traceState(span.context.traceState());
                }
            }
        }
        span.recording = sampled;
        if (engine.leakStacks()) {
            span.startStack = new Throwable("span started here"); // leak detector debug setting only
        }
        pool.started(span);
        return span;
    }
}
