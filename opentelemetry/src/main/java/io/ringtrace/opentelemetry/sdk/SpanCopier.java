package io.ringtrace.opentelemetry.sdk;

import io.ringtrace.opentelemetry.internal.AttributeKeys;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanFlags;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.AttributeSink;
import io.ringtrace.codec.ItemAttributes;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.StatusCode;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.opentelemetry.OtelIds;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Copies one ended SDK span ({@link SpanData}) into a claimed ring slot's {@link SpanRecord}. One
 * per thread (it holds scratch arrays and the attribute walk's state), reused for every span of its
 * thread: a copy allocates nothing on ringtrace's side. Strings are encoded into the slot char by
 * char, ids read from their hex form in place, attribute keys and scopes come from shared caches,
 * and lists of numbers are unboxed into scratch arrays.
 *
 * <p>Bounds: the scratch arrays grow to the longest array attribute seen, at most {@link
 * #MAX_SCRATCH} elements (a longer one is copied into a fresh array); the trace-state builder to
 * the longest trace state (W3C: at most 32 members).
 *
 * <p>An attribute ringtrace cannot carry (a {@code VALUE} attribute holding a nested array, a map
 * or nothing) is dropped and counted in its {@code dropped_attributes_count}.
 */
final class SpanCopier implements BiConsumer<AttributeKey<?>, Object> {

    /** The longest array attribute copied through the scratch arrays. */
    static final int MAX_SCRATCH = 1024;

    private static final int SPAN = 0;
    private static final int EVENT = 1;
    private static final int LINK = 2;

    private final AttributeKeys keys;
    private final ScopeCache scopes;

    /** The attribute walk's state: where {@link #accept} writes (the record, or its latest event or link). */
    private AttributeSink<?> sink;
    private int unsupported;
    /** The copier's own setters of a slot's latest event or link: pointed at each slot, so no slot makes one. */
    private final ItemAttributes items = new ItemAttributes();

    private CharSequence[] strings = new CharSequence[8];
    private long[] longs = new long[8];
    private double[] doubles = new double[8];
    private boolean[] booleans = new boolean[8];
    private byte[] bytes = new byte[64];

    private final StringBuilder traceState = new StringBuilder(64);
    private final BiConsumer<String, String> traceStateMember = this::appendTraceStateMember;

    /** The last scope this thread met: spans of one tracer in a row skip the shared cache. */
    private InstrumentationScopeInfo lastScopeInfo;
    private InstrumentationScope lastScope;

    SpanCopier(AttributeKeys keys, ScopeCache scopes) {
        this.keys = keys;
        this.scopes = scopes;
    }

    /**
     * Fills {@code into} with {@code span}: every field the OTLP exporter of the SDK sends.
     *
     * @param span an ended span
     * @param into a clean, claimed record
     */
    void copy(SpanData span, SpanRecord into) {
        SpanContext context = span.getSpanContext();
        SpanContext parent = span.getParentSpanContext();
        into.scope(scope(span.getInstrumentationScopeInfo()));
        String traceId = context.getTraceId();
        into.traceId(OtelIds.hexLong(traceId, 0), OtelIds.hexLong(traceId, 16))
                .spanId(OtelIds.hexLong(context.getSpanId(), 0))
                .parentSpanId(parent.isValid() ? OtelIds.hexLong(parent.getSpanId(), 0) : 0L)
                .traceFlags(SpanFlags.of(context.getTraceFlags().asByte(), parent.isRemote()))
                .name(span.getName())
                .kind(kind(span.getKind()))
                .startEpochNanos(span.getStartEpochNanos())
                .endEpochNanos(span.getEndEpochNanos());
        if (!context.getTraceState().isEmpty()) {
            into.traceState(traceState(context.getTraceState()));
        }
        StatusData status = span.getStatus();
        int code = status(status.getStatusCode());
        if (code != StatusCode.UNSET || !status.getDescription().isEmpty()) {
            into.status(code, status.getDescription());
        }

        Attributes attributes = span.getAttributes();
        walk(attributes, SPAN, into);

        List<EventData> events = span.getEvents();
        for (int i = 0, n = events.size(); i < n; i++) { // indexed: no iterator
            EventData event = events.get(i);
            into.addEvent(event.getName(), event.getEpochNanos());
            walk(event.getAttributes(), EVENT, into);
            int dropped = event.getTotalAttributeCount() - event.getAttributes().size();
            if (dropped > 0) {
                into.addEventDroppedAttributes(dropped);
            }
        }

        List<LinkData> links = span.getLinks();
        for (int i = 0, n = links.size(); i < n; i++) {
            LinkData link = links.get(i);
            SpanContext linked = link.getSpanContext();
            String linkedTraceId = linked.getTraceId();
            TraceState linkedState = linked.getTraceState();
            into.addLink(OtelIds.hexLong(linkedTraceId, 0), OtelIds.hexLong(linkedTraceId, 16),
                    OtelIds.hexLong(linked.getSpanId(), 0), SpanFlags.of(linked.getTraceFlags().asByte(), linked.isRemote()),
                    linkedState.isEmpty() ? null : traceState(linkedState));
            walk(link.getAttributes(), LINK, into);
            int dropped = link.getTotalAttributeCount() - link.getAttributes().size();
            if (dropped > 0) {
                into.addLinkDroppedAttributes(dropped);
            }
        }

        int droppedAttributes = span.getTotalAttributeCount() - attributes.size();
        int droppedEvents = span.getTotalRecordedEvents() - events.size();
        int droppedLinks = span.getTotalRecordedLinks() - links.size();
        if ((droppedAttributes | droppedEvents | droppedLinks) > 0) {
            into.addDropped(Math.max(0, droppedAttributes), Math.max(0, droppedEvents), Math.max(0, droppedLinks));
        }
    }

    /**
     * Drops the reference the walk keeps; the string scratch array is cleared after each use, so a
     * pooled copier pins no caller objects.
     */
    void clear() {
        sink = null;
    }

    private InstrumentationScope scope(InstrumentationScopeInfo info) {
        if (info != lastScopeInfo) {
            lastScope = scopes.of(info);
            lastScopeInfo = info;
        }
        return lastScope;
    }

    private void walk(Attributes attributes, int into, SpanRecord r) {
        if (attributes.isEmpty()) {
            return;
        }
        sink = into == SPAN ? r : into == EVENT ? items.latestEventOf(r) : items.latestLinkOf(r);
        unsupported = 0;
        attributes.forEach(this);
        if (unsupported > 0) {
            if (into == SPAN) {
                r.addDropped(unsupported, 0, 0);
            } else if (into == EVENT) {
                r.addEventDroppedAttributes(unsupported);
            } else {
                r.addLinkDroppedAttributes(unsupported);
            }
        }
    }

    /** One attribute of the walk: by its type, into the current target. */
    @Override
    @SuppressWarnings("unchecked")
    public void accept(AttributeKey<?> attributeKey, Object value) {
        Utf8Constant key = keys.get(attributeKey.getKey());
        switch (attributeKey.getType()) {
            case STRING:
                sink.attribute(key, (String) value);
                break;
            case LONG:
                sink.attribute(key, (long) (Long) value);
                break;
            case DOUBLE:
                sink.attribute(key, (double) (Double) value);
                break;
            case BOOLEAN:
                sink.attribute(key, (boolean) (Boolean) value);
                break;
            case STRING_ARRAY:
                stringArray(key, (List<String>) value);
                break;
            case LONG_ARRAY:
                longArray(key, (List<Long>) value);
                break;
            case DOUBLE_ARRAY:
                doubleArray(key, (List<Double>) value);
                break;
            case BOOLEAN_ARRAY:
                booleanArray(key, (List<Boolean>) value);
                break;
            default:
                value(key, (Value<?>) value);
                break;
        }
    }

    /** A {@code VALUE} attribute: scalars and bytes as such; nested arrays, maps and empty values cannot be carried. */
    private void value(Utf8Constant key, Value<?> value) {
        switch (value.getType()) {
            case STRING:
                sink.attribute(key, (String) value.getValue());
                break;
            case LONG:
                sink.attribute(key, (long) (Long) value.getValue());
                break;
            case DOUBLE:
                sink.attribute(key, (double) (Double) value.getValue());
                break;
            case BOOLEAN:
                sink.attribute(key, (boolean) (Boolean) value.getValue());
                break;
            case BYTES:
                bytes(key, (ByteBuffer) value.getValue());
                break;
            default:
                unsupported++;
                break;
        }
    }

    private void bytes(Utf8Constant key, ByteBuffer value) {
        int n = value.remaining();
        byte[] b = n <= bytes.length ? bytes : n <= MAX_SCRATCH * 8 ? (bytes = new byte[n]) : new byte[n];
        value.duplicate().get(b, 0, n);
        sink.attribute(key, b, 0, n);
    }

    private void stringArray(Utf8Constant key, List<String> values) {
        int n = values.size();
        CharSequence[] a = n <= strings.length ? strings : n <= MAX_SCRATCH ? (strings = new CharSequence[n]) : new CharSequence[n];
        for (int i = 0; i < n; i++) {
            a[i] = values.get(i);
        }
        try {
            sink.attribute(key, a, n);
        } finally {
            Arrays.fill(a, 0, n, null); // the strings were encoded into the slot: pin none of them
        }
    }

    private void longArray(Utf8Constant key, List<Long> values) {
        int n = values.size();
        long[] a = n <= longs.length ? longs : n <= MAX_SCRATCH ? (longs = new long[n]) : new long[n];
        for (int i = 0; i < n; i++) {
            a[i] = values.get(i); // unboxing reads the Long the SDK holds: no allocation
        }
        sink.attribute(key, a, n);
    }

    private void doubleArray(Utf8Constant key, List<Double> values) {
        int n = values.size();
        double[] a = n <= doubles.length ? doubles : n <= MAX_SCRATCH ? (doubles = new double[n]) : new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = values.get(i);
        }
        sink.attribute(key, a, n);
    }

    private void booleanArray(Utf8Constant key, List<Boolean> values) {
        int n = values.size();
        boolean[] a = n <= booleans.length ? booleans : n <= MAX_SCRATCH ? (booleans = new boolean[n]) : new boolean[n];
        for (int i = 0; i < n; i++) {
            a[i] = values.get(i);
        }
        sink.attribute(key, a, n);
    }

    /** @return the trace state in its W3C header form, in the copier's reused builder */
    private CharSequence traceState(TraceState state) {
        traceState.setLength(0);
        state.forEach(traceStateMember);
        return traceState;
    }

    private void appendTraceStateMember(String key, String value) {
        if (traceState.length() > 0) {
            traceState.append(',');
        }
        traceState.append(key).append('=').append(value);
    }

    private static int kind(io.opentelemetry.api.trace.SpanKind kind) {
        switch (kind) {
            case SERVER: return SpanKind.SERVER;
            case CLIENT: return SpanKind.CLIENT;
            case PRODUCER: return SpanKind.PRODUCER;
            case CONSUMER: return SpanKind.CONSUMER;
            default: return SpanKind.INTERNAL;
        }
    }

    private static int status(io.opentelemetry.api.trace.StatusCode code) {
        switch (code) {
            case OK: return StatusCode.OK;
            case ERROR: return StatusCode.ERROR;
            default: return StatusCode.UNSET;
        }
    }
}
