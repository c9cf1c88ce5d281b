package io.ringtrace.opentelemetry;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.ringtrace.engine.TraceContext;

/** The parent of a span about to start, from the OpenTelemetry span found in its parent {@code Context}. */
final class Parents {

    private Parents() {}

    /**
     * @param parentSpan the span of the parent context ({@code Span.fromContext}: never null)
     * @param here the calling thread's scratch, whose {@link ThreadSpans#parent} is filled
     * @return the parent's ids, flags, remote flag and trace state, or null for a root span
     */
    static TraceContext resolve(Span parentSpan, ThreadSpans here) {
        TraceContext into = here.parent;
        if (parentSpan instanceof RingtraceSpan) { // a span of this module: read its state, no strings
            return ((RingtraceSpan) parentSpan).copyContext(into) ? into : null;
        }
        return copy(parentSpan.getSpanContext(), into, here.traceStateText);
    }

    /**
     * @param context any OpenTelemetry span context
     * @param into filled with its ids, flags, remote flag and trace state
     * @param text a trace-state buffer
     * @return {@code into}, or null if the context is invalid
     */
    static TraceContext copy(SpanContext context, TraceContext into, TraceStateText text) {
        if (context == null || !context.isValid()) {
            into.clear();
            return null;
        }
        if (context instanceof RingtraceSpanContext) {
            return ((RingtraceSpanContext) context).copyInto(into);
        }
        OtelIds.copyIds(context, into);
        text.copy(context.getTraceState(), into);
        return into;
    }
}
