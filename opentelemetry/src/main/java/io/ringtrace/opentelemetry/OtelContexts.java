package io.ringtrace.opentelemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.ringtrace.engine.TraceContext;

/**
 * Context in both directions between ringtrace's span API and OpenTelemetry's {@link Context}.
 *
 * <p><b>OpenTelemetry parent, ringtrace child</b>: {@link #parentOf(Context, TraceContext)} reads the
 * span in a {@code Context} (typically {@code Context.current()}: the Java agent's server span, or a
 * span of {@link RingtraceOpenTelemetry}) into a reusable {@link TraceContext} for
 * {@link io.ringtrace.engine.Tracer#start(io.ringtrace.codec.Utf8Constant, int, TraceContext)}: ids,
 * sampled flag, remote flag and {@code tracestate}. No allocation for a context without a trace state
 * (the ids are read from OpenTelemetry's hex strings in place) or for a span of this module; a
 * non-empty {@code tracestate} costs its text once.
 *
 * <pre>{@code
 * TraceContext parent = new TraceContext();                  // one per thread, reused
 * Span span = tracer.start(MATCH, SpanKind.INTERNAL, OtelContexts.parentOf(Context.current(), parent));
 * }</pre>
 *
 * <p><b>Ringtrace parent, OpenTelemetry child</b>: {@link #makeCurrent(io.ringtrace.engine.Span)} puts a
 * ringtrace span into OpenTelemetry's current {@code Context}, so OpenTelemetry-instrumented code
 * called inside it (an HTTP client, a JDBC driver under the agent) starts its children there. The
 * span goes in as a non-recording view of its context: OpenTelemetry code can parent to it and read
 * its ids, but writes into it only through ringtrace's API (a ringtrace {@code Span} is a pooled
 * flyweight whose reference is valid only until it ends). Cost, at the edge: the view (a 56-byte
 * span context and the API's 16-byte wrapper) plus what {@code Context.with} and
 * {@code makeCurrent()} allocate (the context's entry array and a scope); measured in
 * {@code ContextBridgeTest}.
 */
public final class OtelContexts {

    /** A trace-state buffer per thread (512 chars, a W3C {@code tracestate}'s most), made on first use. */
    private static final ThreadLocal<TraceStateText> TRACE_STATE_TEXT = ThreadLocal.withInitial(TraceStateText::new);

    private OtelContexts() {}

    /**
     * @param context an OpenTelemetry context (null: none)
     * @param into filled with the context's span: ids, flags, remote flag and trace state
     * @return {@code into}, or null if the context holds no valid span (a root span then)
     */
    public static TraceContext parentOf(Context context, TraceContext into) {
        if (into == null) {
            throw new IllegalArgumentException("into must not be null");
        }
        Span span = context == null ? Span.getInvalid() : Span.fromContext(context);
        if (span instanceof RingtraceSpan) {
            if (((RingtraceSpan) span).copyContext(into)) {
                return into;
            }
            into.clear();
            return null;
        }
        return parentOf(span.getSpanContext(), into);
    }

    /**
     * @param context an OpenTelemetry span context, e.g. one a propagator extracted (null: none)
     * @param into filled with its ids, flags, remote flag and trace state
     * @return {@code into}, or null if the context is invalid
     */
    public static TraceContext parentOf(SpanContext context, TraceContext into) {
        if (into == null) {
            throw new IllegalArgumentException("into must not be null");
        }
        return Parents.copy(context, into, TRACE_STATE_TEXT.get());
    }

    /**
     * @param span a ringtrace span (open: its context is read now)
     * @return its context as OpenTelemetry's, immutable (valid after the span ends); the invalid
     *     context for the no-op span
     */
    public static SpanContext spanContext(io.ringtrace.engine.Span span) {
        if (span == null || !span.isValid()) {
            return SpanContext.getInvalid();
        }
        return RingtraceSpanContext.of(span.context());
    }

    /**
     * @param context the context to extend; not null
     * @param span a ringtrace span (open)
     * @return {@code context} with the span as its current span (a non-recording view); {@code context}
     *     itself for the no-op span
     */
    public static Context with(Context context, io.ringtrace.engine.Span span) {
        if (context == null) {
            throw new IllegalArgumentException("context must not be null");
        }
        if (span == null || !span.isValid()) {
            return context;
        }
        return context.with(Span.wrap(RingtraceSpanContext.of(span.context())));
    }

    /**
     * Makes a ringtrace span OpenTelemetry's current span until the scope is closed (close it on the
     * same thread, before the span ends, as with any {@code Scope}).
     *
     * @param span a ringtrace span (open)
     * @return the scope to close
     */
    public static Scope makeCurrent(io.ringtrace.engine.Span span) {
        return with(Context.current(), span).makeCurrent();
    }
}
