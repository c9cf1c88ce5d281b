package io.ringtrace.opentelemetry;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.ringtrace.codec.SpanFlags;
import io.ringtrace.engine.TraceContext;

/** Adds an OpenTelemetry link (context and attributes) to a recording engine span. */
final class Links {

    private Links() {}

    /**
     * @param span the engine span (written only if recording)
     * @param linked the linked context; ignored if null or invalid
     * @param attributes its attributes, or null
     * @param here the calling thread's scratch
     */
    static void add(io.ringtrace.engine.Span span, SpanContext linked, Attributes attributes, ThreadSpans here) {
        if (linked == null || !linked.isValid() || !span.isRecording()) {
            return;
        }
        TraceContext ids = here.parent; // scratch: free again once the span has started
        if (linked instanceof RingtraceSpanContext) {
            ((RingtraceSpanContext) linked).copyInto(ids);
        } else {
            OtelIds.copyIds(linked, ids);
            here.traceStateText.copy(linked.getTraceState(), ids);
        }
        span.record().addLink(ids.traceIdHigh(), ids.traceIdLow(), ids.spanId(),
                SpanFlags.of(ids.traceFlags(), ids.isRemote()), ids.traceState());
        if (attributes != null && !attributes.isEmpty()) {
            AttributeWriter writer = here.attributeWriter.aim(span, AttributeWriter.LINK);
            attributes.forEach(writer);
            writer.clear();
        }
    }
}
