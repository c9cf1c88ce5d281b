package io.ringtrace.opentelemetry;

import io.ringtrace.opentelemetry.internal.AttributeKeys;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.ringtrace.codec.AttributeSink;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.Utf8Constant;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Writes OpenTelemetry attributes into an engine span's record: to the span, to its latest event or
 * to its latest link. Scalars (string, long, double, boolean) allocate nothing; an array value (a
 * {@code List}) is copied into a new primitive array first (the API hands arrays as boxed lists:
 * the copy is the cost of that shape). A value of the {@code VALUE} type (a structured
 * {@code AnyValue}), or one whose class does not match its key's type, is ignored.
 *
 * <p>As a {@link BiConsumer} it serves {@code Attributes.forEach} for one target at a time: an
 * instance belongs to one thread ({@link ThreadSpans}), so the loop over an event's or link's
 * attributes needs no lambda and allocates nothing.
 */
final class AttributeWriter implements BiConsumer<AttributeKey<?>, Object> {

    static final int SPAN = 0;
    static final int EVENT = 1;
    static final int LINK = 2;

    private final AttributeKeys keys;
    private io.ringtrace.engine.Span target;
    private int kind;

    AttributeWriter(AttributeKeys keys) {
        this.keys = keys;
    }

    /** Aims {@link #accept} at the span's own attributes, its latest event's or its latest link's. */
    AttributeWriter aim(io.ringtrace.engine.Span span, int kind) {
        this.target = span;
        this.kind = kind;
        return this;
    }

    /** Forgets the target (so a pooled writer does not pin an engine span's flyweight in a stale way). */
    void clear() {
        target = null;
    }

    @Override
    public void accept(AttributeKey<?> key, Object value) {
        if (key != null && value != null && !key.getKey().isEmpty()) {
            write(target, kind, keys.get(key.getKey()), key.getType(), value);
        }
    }

    /**
     * Writes one attribute (checked by the caller: key non-empty, value non-null).
     *
     * @param span the engine span (only written if recording)
     * @param kind {@link #SPAN}, {@link #EVENT} or {@link #LINK}
     * @param key the pre-encoded key
     * @param type the key's type
     * @param value the value, of the class the type implies
     */
    static void write(io.ringtrace.engine.Span span, int kind, Utf8Constant key, AttributeType type, Object value) {
        if (!span.isRecording()) {
            return;
        }
        SpanRecord record = span.record();
        AttributeSink<?> sink = kind == SPAN ? record : kind == EVENT ? record.eventAttributes() : record.linkAttributes();
        switch (type) {
            case STRING:
                if (value instanceof CharSequence) {
                    sink.attribute(key, (CharSequence) value);
                }
                return;
            case LONG:
                if (value instanceof Number) {
                    sink.attribute(key, ((Number) value).longValue());
                }
                return;
            case DOUBLE:
                if (value instanceof Number) {
                    sink.attribute(key, ((Number) value).doubleValue());
                }
                return;
            case BOOLEAN:
                if (value instanceof Boolean) {
                    sink.attribute(key, (boolean) (Boolean) value);
                }
                return;
            default:
                if (value instanceof List) {
                    array(sink, key, type, (List<?>) value);
                }
        }
    }

    /** An array attribute: the list's elements into a new array of the record's type. */
    private static void array(AttributeSink<?> sink, Utf8Constant key, AttributeType type, List<?> list) {
        int n = list.size();
        switch (type) {
            case STRING_ARRAY: {
                CharSequence[] values = new CharSequence[n];
                for (int i = 0; i < n; i++) {
                    Object v = list.get(i);
                    values[i] = v instanceof CharSequence ? (CharSequence) v : String.valueOf(v);
                }
                sink.attribute(key, values);
                return;
            }
            case LONG_ARRAY: {
                long[] values = new long[n];
                for (int i = 0; i < n; i++) {
                    Object v = list.get(i);
                    values[i] = v instanceof Number ? ((Number) v).longValue() : 0L;
                }
                sink.attribute(key, values);
                return;
            }
            case DOUBLE_ARRAY: {
                double[] values = new double[n];
                for (int i = 0; i < n; i++) {
                    Object v = list.get(i);
                    values[i] = v instanceof Number ? ((Number) v).doubleValue() : 0.0;
                }
                sink.attribute(key, values);
                return;
            }
            case BOOLEAN_ARRAY: {
                boolean[] values = new boolean[n];
                for (int i = 0; i < n; i++) {
                    values[i] = Boolean.TRUE.equals(list.get(i));
                }
                sink.attribute(key, values);
                return;
            }
            default:
                // VALUE (a structured AnyValue): not carried; see the module README
        }
    }
}
