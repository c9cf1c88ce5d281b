package io.ringtrace.codec;

import static io.ringtrace.codec.SpanSlot.DROPPED_EVENTS;
import static io.ringtrace.codec.SpanSlot.DROPPED_LINKS;
import static io.ringtrace.codec.SpanSlot.EVENT_COUNT;
import static io.ringtrace.codec.SpanSlot.LATEST_EVENT_DROPPED;
import static io.ringtrace.codec.SpanSlot.LATEST_LINK_DROPPED;
import static io.ringtrace.codec.SpanSlot.LINK_COUNT;

/**
 * The writer of one span in the compact {@link SpanSlot} format: a flyweight over a region of a
 * heap {@code byte[]} (a ring slot, or the record's own array), reused by {@link #reset()}.
 * Filling it and {@link #copyFrom copying} it allocate nothing. Not thread-safe: one
 * thread fills it, then hands it over through the ring's publication (which orders the writes
 * before the reader's reads).
 *
 * <p>Everything a setter writes goes into the bytes, already in protobuf wire form where the wire
 * has it (attributes, event and link bodies), so the encoder reads the span in place and mostly
 * copies contiguous regions. Strings from a {@link CharSequence} are encoded to UTF-8 char by char
 * at call time, so a reused {@code StringBuilder} is safe and the record never pins the caller's
 * objects; the only reference it keeps is the scope (immutable, long-lived).
 *
 * <h2>Limits, slots and bad input</h2>
 * What exceeds a count limit or its byte budget ({@link SpanLimits}) is dropped and counted in the
 * OTLP {@code dropped_attributes_count} / {@code dropped_events_count} / {@code dropped_links_count},
 * never thrown; texts (name, trace state, status message) that do not fit are truncated at a
 * character boundary. A record over a ring slot that outgrows the slot moves into an overflow
 * buffer ({@link SpanOverflow}); with none free the span is marked too large and dropped whole
 * ({@code SPAN_TOO_LARGE}), never sent cut. Programming errors (null name or key, out-of-range
 * kind or status code, all-zero ids) throw {@link IllegalArgumentException} at the call (an
 * attribute of an event or link before any was added: {@link IllegalStateException}); the refused
 * call changes nothing, but marks the fill as failed ({@link #fillFailed()}), and the encoder
 * refuses the record. A trace state that is not a valid W3C {@code tracestate} is discarded.
 *
 * <p>Setting an attribute key again replaces its value, as the OpenTelemetry SDK does (keys stay
 * unique): the old KeyValue is cut out and the new one appended, so it does not count against the
 * limit twice; if the new value does not fit, it is dropped and counted.
 */
public final class SpanRecord extends SpanFields {

    /**
     * A record with its own array of {@link SpanSlot#maxSpanBytes(SpanLimits)} bytes: any span
     * within the limits fits.
     *
     * @param limits the limits; not null
     */
    public SpanRecord(SpanLimits limits) {
        this(limits, new byte[SpanSlot.maxSpanBytes(requireLimits(limits))], 0, SpanSlot.maxSpanBytes(limits), null);
    }

    /**
     * A record over a slot of a shared area: a span that outgrows the slot moves into a buffer of
     * {@code overflow}.
     *
     * @param limits the limits; not null
     * @param area the array holding the slot
     * @param base where the slot starts
     * @param slotBytes the slot's size, at least {@link SpanSlot#HEADER_BYTES}
     * @param overflow where bigger spans go; null only if the slot holds {@link
     *     SpanSlot#maxSpanBytes(SpanLimits)} bytes
     */
    public SpanRecord(SpanLimits limits, byte[] area, int base, int slotBytes, SpanOverflow overflow) {
        super(limits, area, base, slotBytes, overflow);
    }

    // ---------------------------------------------------------------- event attributes

    /** @param key not null @param value not null @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, CharSequence value) {
        return text(EVENT, key, value);
    }

    /** @param key not null @param value the value @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, long value) {
        return number(EVENT, key, LONG, value, 0);
    }

    /** @param key not null @param value the value @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, double value) {
        return number(EVENT, key, DOUBLE, 0, value);
    }

    /** @param key not null @param value the value @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, boolean value) {
        return number(EVENT, key, BOOLEAN, value ? 1 : 0, 0);
    }

    /** @param key not null @param value not null @return this @throws IllegalStateException if no event was added */
    public SpanRecord eventAttribute(Utf8Constant key, byte[] value) {
        return bytes(EVENT, key, value, 0, value == null ? 0 : value.length);
    }

    /** @param key not null @param value not null @param offset first byte @param length bytes @return this */
    public SpanRecord eventAttribute(Utf8Constant key, byte[] value, int offset, int length) {
        return bytes(EVENT, key, value, offset, length);
    }

    /** @param key not null @param values not null, no null elements @return this */
    public SpanRecord eventAttribute(Utf8Constant key, CharSequence[] values) {
        return array(EVENT, key, STRING_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param key not null @param values not null @param count how many @return this */
    public SpanRecord eventAttribute(Utf8Constant key, CharSequence[] values, int count) {
        return array(EVENT, key, STRING_ARRAY, values, count);
    }

    /** @param key not null @param values not null @return this */
    public SpanRecord eventAttribute(Utf8Constant key, long[] values) {
        return array(EVENT, key, LONG_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param key not null @param values not null @param count how many @return this */
    public SpanRecord eventAttribute(Utf8Constant key, long[] values, int count) {
        return array(EVENT, key, LONG_ARRAY, values, count);
    }

    /** @param key not null @param values not null @return this */
    public SpanRecord eventAttribute(Utf8Constant key, double[] values) {
        return array(EVENT, key, DOUBLE_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param key not null @param values not null @param count how many @return this */
    public SpanRecord eventAttribute(Utf8Constant key, double[] values, int count) {
        return array(EVENT, key, DOUBLE_ARRAY, values, count);
    }

    /** @param key not null @param values not null @return this */
    public SpanRecord eventAttribute(Utf8Constant key, boolean[] values) {
        return array(EVENT, key, BOOLEAN_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param key not null @param values not null @param count how many @return this */
    public SpanRecord eventAttribute(Utf8Constant key, boolean[] values, int count) {
        return array(EVENT, key, BOOLEAN_ARRAY, values, count);
    }

    /** @param key not null @param values not null, no null elements @return this */
    public SpanRecord eventAttribute(Utf8Constant key, byte[][] values) {
        return array(EVENT, key, BYTES_ARRAY, values, values == null ? 0 : values.length);
    }

    // ---------------------------------------------------------------- link attributes

    /** @param key not null @param value not null @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, CharSequence value) {
        return text(LINK, key, value);
    }

    /** @param key not null @param value the value @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, long value) {
        return number(LINK, key, LONG, value, 0);
    }

    /** @param key not null @param value the value @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, double value) {
        return number(LINK, key, DOUBLE, 0, value);
    }

    /** @param key not null @param value the value @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, boolean value) {
        return number(LINK, key, BOOLEAN, value ? 1 : 0, 0);
    }

    /** @param key not null @param value not null @return this @throws IllegalStateException if no link was added */
    public SpanRecord linkAttribute(Utf8Constant key, byte[] value) {
        return bytes(LINK, key, value, 0, value == null ? 0 : value.length);
    }

    /** @param key not null @param value not null @param offset first byte @param length bytes @return this */
    public SpanRecord linkAttribute(Utf8Constant key, byte[] value, int offset, int length) {
        return bytes(LINK, key, value, offset, length);
    }

    /** @param key not null @param values not null, no null elements @return this */
    public SpanRecord linkAttribute(Utf8Constant key, CharSequence[] values) {
        return array(LINK, key, STRING_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param key not null @param values not null @param count how many @return this */
    public SpanRecord linkAttribute(Utf8Constant key, CharSequence[] values, int count) {
        return array(LINK, key, STRING_ARRAY, values, count);
    }

    /** @param key not null @param values not null @return this */
    public SpanRecord linkAttribute(Utf8Constant key, long[] values) {
        return array(LINK, key, LONG_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param key not null @param values not null @param count how many @return this */
    public SpanRecord linkAttribute(Utf8Constant key, long[] values, int count) {
        return array(LINK, key, LONG_ARRAY, values, count);
    }

    /** @param key not null @param values not null @return this */
    public SpanRecord linkAttribute(Utf8Constant key, double[] values) {
        return array(LINK, key, DOUBLE_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param key not null @param values not null @param count how many @return this */
    public SpanRecord linkAttribute(Utf8Constant key, double[] values, int count) {
        return array(LINK, key, DOUBLE_ARRAY, values, count);
    }

    /** @param key not null @param values not null @return this */
    public SpanRecord linkAttribute(Utf8Constant key, boolean[] values) {
        return array(LINK, key, BOOLEAN_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param key not null @param values not null @param count how many @return this */
    public SpanRecord linkAttribute(Utf8Constant key, boolean[] values, int count) {
        return array(LINK, key, BOOLEAN_ARRAY, values, count);
    }

    /** @param key not null @param values not null, no null elements @return this */
    public SpanRecord linkAttribute(Utf8Constant key, byte[][] values) {
        return array(LINK, key, BYTES_ARRAY, values, values == null ? 0 : values.length);
    }

    @Override
    boolean acceptsAttributes(int target) {
        if (target == EVENT) {
            if (get(EVENT_COUNT) == 0 && get(DROPPED_EVENTS) == 0) {
                throw refusedOutOfOrder("eventAttribute(...) before addEvent(...)");
            }
            return !bit(LATEST_EVENT_DROPPED); // a dropped event's attributes go with it
        } else if (target == LINK) {
            if (get(LINK_COUNT) == 0 && get(DROPPED_LINKS) == 0) {
                throw refusedOutOfOrder("linkAttribute(...) before addLink(...)");
            }
            return !bit(LATEST_LINK_DROPPED); // a dropped link's attributes go with it
        }
        return true;
    }
}
