package io.ringtrace.opentelemetry;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import io.ringtrace.engine.TraceContext;

/**
 * An immutable OpenTelemetry {@link SpanContext} of a ringtrace span, kept as {@code long}s: the hex
 * strings and the {@link TraceState} object OpenTelemetry's interface hands out are made on first
 * request (a propagator's {@code inject}, a log correlation) and cached, so putting a span into a
 * {@code Context} costs this one small object (56 B with compressed references) and a child started
 * by ringtrace reads the ids without any string.
 *
 * <p>Equality follows the values (ids, flags, trace state, remote), so it equals the SDK's
 * {@code SpanContext} of the same span when compared from this side.
 */
final class RingtraceSpanContext implements SpanContext {

    private final long traceIdHigh;
    private final long traceIdLow;
    private final long spanId;
    private final byte traceFlags;
    private final boolean remote;
    /** The normalized W3C {@code tracestate}, or null for none. */
    private final String traceStateHeader;
    // made on first use; a race makes two equal values, which is harmless (both immutable)
    private String traceId;
    private String spanIdHex;
    private TraceState traceState;

    private RingtraceSpanContext(long traceIdHigh, long traceIdLow, long spanId, byte traceFlags, boolean remote,
                                 String traceStateHeader) {
        this.traceIdHigh = traceIdHigh;
        this.traceIdLow = traceIdLow;
        this.spanId = spanId;
        this.traceFlags = traceFlags;
        this.remote = remote;
        this.traceStateHeader = traceStateHeader;
    }

    /**
     * @param context a ringtrace span's context
     * @return its OpenTelemetry form (the trace state copied into a string if there is one)
     */
    static RingtraceSpanContext of(TraceContext context) {
        CharSequence state = context.traceState();
        return new RingtraceSpanContext(context.traceIdHigh(), context.traceIdLow(), context.spanId(),
                (byte) context.traceFlags(), context.isRemote(), state.length() == 0 ? null : state.toString());
    }

    /** Copies this context into a ringtrace one (ids, flags, remote flag and trace state); no allocation. */
    TraceContext copyInto(TraceContext into) {
        into.set(traceIdHigh, traceIdLow, spanId, traceFlags, remote);
        if (traceStateHeader != null) {
            into.traceState(traceStateHeader);
        }
        return into;
    }

    /** @return the trace id's high 8 bytes (no string made) */
    long traceIdHigh() {
        return traceIdHigh;
    }

    /** @return the trace id's low 8 bytes */
    long traceIdLow() {
        return traceIdLow;
    }

    /** @return the span id */
    long spanIdValue() {
        return spanId;
    }

    /** @return the W3C trace flags */
    byte traceFlagsByte() {
        return traceFlags;
    }

    @Override
    public String getTraceId() {
        String id = traceId;
        if (id == null) {
            id = OtelIds.hex(traceIdHigh, traceIdLow);
            traceId = id;
        }
        return id;
    }

    @Override
    public String getSpanId() {
        String id = spanIdHex;
        if (id == null) {
            id = OtelIds.hex(spanId);
            spanIdHex = id;
        }
        return id;
    }

    @Override
    public TraceFlags getTraceFlags() {
        return TraceFlags.fromByte(traceFlags); // cached instances: no allocation
    }

    @Override
    public TraceState getTraceState() {
        TraceState state = traceState;
        if (state == null) {
            state = parse(traceStateHeader);
            traceState = state;
        }
        return state;
    }

    @Override
    public boolean isRemote() {
        return remote;
    }

    @Override
    public boolean isValid() {
        return (traceIdHigh != 0 || traceIdLow != 0) && spanId != 0;
    }

    /** A normalized {@code tracestate} ({@code k=v,k2=v2}) as OpenTelemetry's object, order kept. */
    private static TraceState parse(String header) {
        if (header == null) {
            return TraceState.getDefault();
        }
        TraceStateBuilder builder = TraceState.builder();
        // the builder puts each new key first; adding the members from the last keeps their order
        int end = header.length();
        while (end > 0) {
            int start = header.lastIndexOf(',', end - 1) + 1;
            int eq = header.indexOf('=', start);
            if (eq > start && eq < end) {
                builder.put(header.substring(start, eq), header.substring(eq + 1, end));
            }
            end = start - 1;
        }
        return builder.build();
    }

    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof SpanContext)) {
            return false;
        }
        SpanContext other = (SpanContext) o;
        return getTraceId().equals(other.getTraceId()) && getSpanId().equals(other.getSpanId())
                && getTraceFlags().equals(other.getTraceFlags()) && getTraceState().equals(other.getTraceState())
                && remote == other.isRemote();
    }

    @Override
    public int hashCode() {
        int h = getTraceId().hashCode();
        h = h * 1000003 ^ getSpanId().hashCode();
        h = h * 1000003 ^ traceFlags;
        h = h * 1000003 ^ getTraceState().hashCode();
        return h * 1000003 ^ (remote ? 1231 : 1237);
    }

    @Override
    public String toString() {
        return "SpanContext{traceId=" + getTraceId() + ", spanId=" + getSpanId() + ", traceFlags=" + getTraceFlags()
                + ", traceState=" + getTraceState() + ", remote=" + remote + ", valid=" + isValid() + "}";
    }
}
