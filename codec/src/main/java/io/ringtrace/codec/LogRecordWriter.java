package io.ringtrace.codec;

import static io.ringtrace.codec.LogSlot.ATTRIBUTES;
import static io.ringtrace.codec.LogSlot.ATTRIBUTE_COUNT;
import static io.ringtrace.codec.LogSlot.ATTRIBUTE_END;
import static io.ringtrace.codec.LogSlot.BODY;
import static io.ringtrace.codec.LogSlot.BODY_END;
import static io.ringtrace.codec.LogSlot.DROPPED_ATTRIBUTES;
import static io.ringtrace.codec.LogSlot.EVENT_NAME_LENGTH;
import static io.ringtrace.codec.LogSlot.EVENT_NAME_OFFSET;
import static io.ringtrace.codec.LogSlot.FLAGS;
import static io.ringtrace.codec.LogSlot.HEADER_BYTES;
import static io.ringtrace.codec.LogSlot.KEYS_SEEN;
import static io.ringtrace.codec.LogSlot.OBSERVED_TIME;
import static io.ringtrace.codec.LogSlot.SEVERITY;
import static io.ringtrace.codec.LogSlot.SEVERITY_TEXT_LENGTH;
import static io.ringtrace.codec.LogSlot.SEVERITY_TEXT_OFFSET;
import static io.ringtrace.codec.LogSlot.SPAN_ID;
import static io.ringtrace.codec.LogSlot.TEXT;
import static io.ringtrace.codec.LogSlot.TEXT_END;
import static io.ringtrace.codec.LogSlot.TIME;
import static io.ringtrace.codec.LogSlot.TRACE_ID_HIGH;
import static io.ringtrace.codec.LogSlot.TRACE_ID_LOW;

/**
 * The writer of one log record in the compact {@link LogSlot} format: a flyweight over a region of
 * a heap {@code byte[]} (a ring slot, or the record's own array), reused by {@link #reset()}.
 * Filling it and {@link #copyFrom copying} it allocate nothing. Not thread-safe: one thread fills
 * it, then hands it over through the ring's publication.
 *
 * <p>Everything a setter writes goes into the bytes, the body and attributes already in protobuf
 * wire form, so {@link LogsRequestEncoder} reads the record in place. Strings from a {@link
 * CharSequence} are encoded to UTF-8 at call time, so a reused {@code StringBuilder} is safe and
 * the record never pins the caller's objects; the only reference it keeps is the scope.
 *
 * <h2>Limits, slots and bad input</h2>
 * Attributes over {@link LogLimits#maxAttributes()} or the attribute byte budget are dropped and
 * counted ({@code dropped_attributes_count}); setting a key again replaces its value. The severity
 * text and the event name are truncated at a character boundary to the text budget. A body over
 * the body budget, or a record that outgrows its slot with no overflow buffer ({@link
 * SpanOverflow}) free, marks the record too large ({@link #tooLarge()}): the encoder refuses it,
 * it is never sent cut. A null key or value, a severity number outside 1..24, flags beyond the
 * 8 W3C bits, a negative time: {@link IllegalArgumentException} at the call, which changes nothing
 * but marks the fill failed ({@link #fillFailed()}); the encoder then refuses the record. A trace
 * id or span id of 0 means none (a record emitted outside any span).
 */
public final class LogRecordWriter extends RecordWriter<LogRecordWriter> {

    /** Smallest OTLP severity number a record may be given ({@code SEVERITY_NUMBER_TRACE}). */
    public static final int MIN_SEVERITY = 1;
    /** Largest OTLP severity number ({@code SEVERITY_NUMBER_FATAL4}). */
    public static final int MAX_SEVERITY = 24;

    /** {@code LogRecord.body} (5, LEN). */
    static final int BODY_TAG = 0x2A;
    /** {@code LogRecord.attributes} (6, LEN). */
    static final int ATTRIBUTE_TAG = 0x32;

    private final LogLimits limits;

    /**
     * A record with its own array of {@link LogSlot#maxRecordBytes(LogLimits)} bytes: any record
     * within the limits fits.
     *
     * @param limits the limits; not null
     */
    public LogRecordWriter(LogLimits limits) {
        this(limits, new byte[LogSlot.maxRecordBytes(requireLimits(limits))], 0, LogSlot.maxRecordBytes(limits), null);
    }

    /**
     * A record over a slot of a shared area: a record that outgrows the slot moves into a buffer
     * of {@code overflow}.
     *
     * @param limits the limits; not null
     * @param area the array holding the slot
     * @param base where the slot starts
     * @param slotBytes the slot's size, at least {@link LogSlot#HEADER_BYTES}
     * @param overflow where bigger records go (buffers of at least {@link
     *     LogSlot#maxRecordBytes(LogLimits)} bytes); null only if the slot holds that many bytes
     */
    public LogRecordWriter(LogLimits limits, byte[] area, int base, int slotBytes, SpanOverflow overflow) {
        super(LogSlot.FORMAT, LogSlot.maxRecordBytes(requireLimits(limits)), area, base, slotBytes, overflow);
        this.limits = limits;
    }

    // ---------------------------------------------------------------- header fields

    /**
     * @param epochNanos when the event occurred, nanoseconds since the epoch; 0: unknown
     * @return this
     * @throws IllegalArgumentException if negative
     */
    public LogRecordWriter timestamp(long epochNanos) {
        setLong(TIME, requireTime(epochNanos));
        return this;
    }

    /**
     * @param epochNanos when the event was observed by the collection system; 0: unknown
     * @return this
     * @throws IllegalArgumentException if negative
     */
    public LogRecordWriter observedTimestamp(long epochNanos) {
        setLong(OBSERVED_TIME, requireTime(epochNanos));
        return this;
    }

    /**
     * Begins a new record from a prepared start: the same record as {@code reset()} followed by the
     * start's scope, severity number and severity text, then {@code timestamp(epochNanos)} and
     * {@code observedTimestamp(epochNanos)}, written by one block copy of the start's bytes and two
     * stores. One clock reading serves both times: the record is observed as it is made, and a
     * caller that knows when the event occurred replaces the timestamp afterwards.
     *
     * @param start a start prepared for equal limits; not null
     * @param epochNanos the time and observed time, nanoseconds since the epoch
     * @return this
     * @throws IllegalArgumentException if the start's limits differ or the time is negative (the
     *     record is then not started, and marked failed)
     */
    public LogRecordWriter start(LogRecordStart start, long epochNanos) {
        copyStart(start, epochNanos);
        // the fields the body and attribute writes read next, stored again one by one: read straight
        // after the block copy's wide stores, they waited for the slot's cold cache line (measured)
        int used = start.bytes.length; // a started record's texts end it: no body, no attribute
        set(TEXT_END, used);
        set(BODY_END, used);
        set(ATTRIBUTE_END, used);
        set(ATTRIBUTE_COUNT, 0);
        setLong(KEYS_SEEN, 0);
        return this;
    }

    /**
     * {@link #start(LogRecordStart, long)}, then opens {@code tail} over the record if it lies in
     * the tail's slot array: its usual body and attribute appends then go through the tail, which
     * keeps their bookkeeping until it is closed (see {@link LogRecordTail}), so nothing reads the
     * header's copied fields back and they are not stored again.
     *
     * @param tail the filling thread's tail, closed; not null
     * @return this
     */
    public LogRecordWriter start(LogRecordStart start, long epochNanos, LogRecordTail tail) {
        copyStart(start, epochNanos);
        tail.open(area, base, start.bytes.length, capacity(), limits);
        return this;
    }

    /** The start's checks, its block copy and the two times. */
    private void copyStart(LogRecordStart start, long epochNanos) {
        if (start.limits != limits && !start.limits.equals(limits)) {
            throw refused("cannot start a record from a start prepared for other limits: " + start.limits);
        }
        requireTime(epochNanos);
        if (scope != start.scope) {
            scope = start.scope; // only when it changes: see the field
        }
        copyHome(start.bytes, 0, start.bytes.length); // the SCOPE_SET bit comes with the header
        setLong(TIME, epochNanos);
        setLong(OBSERVED_TIME, epochNanos);
    }

    private long requireTime(long epochNanos) {
        if (epochNanos < 0) {
            throw refused("time must not be negative: " + epochNanos);
        }
        return epochNanos;
    }

    /**
     * @param number an OTLP {@code SeverityNumber}, {@value #MIN_SEVERITY} (TRACE) to {@value
     *     #MAX_SEVERITY} (FATAL4); unset (0) after reset
     * @return this
     * @throws IllegalArgumentException if outside that range
     */
    public LogRecordWriter severityNumber(int number) {
        if (number < MIN_SEVERITY || number > MAX_SEVERITY) {
            throw refused("severity number must be in [" + MIN_SEVERITY + ", " + MAX_SEVERITY + "], was " + number);
        }
        area[base + SEVERITY] = (byte) number;
        return this;
    }

    /** @param text the severity text ("INFO"), pre-encoded; not null @return this */
    public LogRecordWriter severityText(Utf8Constant text) {
        if (text == null) {
            throw refused("severity text must not be null");
        }
        freeText(SEVERITY_TEXT_OFFSET, SEVERITY_TEXT_LENGTH);
        putText(SEVERITY_TEXT_OFFSET, SEVERITY_TEXT_LENGTH, text);
        return this;
    }

    /** @param text the severity text, encoded now; not null @return this */
    public LogRecordWriter severityText(CharSequence text) {
        if (text == null) {
            throw refused("severity text must not be null");
        }
        freeText(SEVERITY_TEXT_OFFSET, SEVERITY_TEXT_LENGTH);
        putText(SEVERITY_TEXT_OFFSET, SEVERITY_TEXT_LENGTH, text);
        return this;
    }

    /** @param name the OTLP {@code event_name}, pre-encoded; not null @return this */
    public LogRecordWriter eventName(Utf8Constant name) {
        if (name == null) {
            throw refused("event name must not be null");
        }
        freeText(EVENT_NAME_OFFSET, EVENT_NAME_LENGTH);
        putText(EVENT_NAME_OFFSET, EVENT_NAME_LENGTH, name);
        return this;
    }

    /** @param name the OTLP {@code event_name}, encoded now; not null @return this */
    public LogRecordWriter eventName(CharSequence name) {
        if (name == null) {
            throw refused("event name must not be null");
        }
        freeText(EVENT_NAME_OFFSET, EVENT_NAME_LENGTH);
        putText(EVENT_NAME_OFFSET, EVENT_NAME_LENGTH, name);
        return this;
    }

    /**
     * @param high the trace id's first 8 bytes (big-endian); with {@code low} 0: none
     * @param low its last 8 bytes
     * @return this
     */
    public LogRecordWriter traceId(long high, long low) {
        setLong(TRACE_ID_HIGH, high);
        setLong(TRACE_ID_LOW, low);
        return this;
    }

    /** @param spanId the span id (its 8 bytes big-endian); 0: none @return this */
    public LogRecordWriter spanId(long spanId) {
        setLong(SPAN_ID, spanId);
        return this;
    }

    /**
     * @param flags OTLP {@code LogRecord.flags}: the W3C trace flags (bits 0-7)
     * @return this
     * @throws IllegalArgumentException if other bits are set (reserved, must be zero)
     */
    public LogRecordWriter traceFlags(int flags) {
        if ((flags & ~0xFF) != 0) {
            throw refused("log record flags carry the W3C trace flags only (0..255), was " + flags);
        }
        set(FLAGS, flags);
        return this;
    }

    // ---------------------------------------------------------------- body: one AnyValue, replaced when set again

    /**
     * A string body set before any attribute, the usual record, is appended at the used bytes on a
     * path of its own: two header reads, one write (a short ASCII value checked and copied in one
     * loop, {@code KeyValueWire.putShortAsciiValue}), two header stores, small enough for the JIT to
     * inline into the caller (the general path, a call of six arguments, was compiled out of line in
     * the measured runs). It lives in this final class, whose offsets are constants: the same entry
     * on the shared {@code SlotWriter} regions was compiled out of line too, and measured as slow as
     * the general path ({@code LogSlotFillBenchmark.fromStart}).
     *
     * @param value the body, encoded now (unpaired surrogates become '?'); not null
     * @return this
     */
    public LogRecordWriter body(CharSequence value) {
        requireValue(value);
        int at = get(ATTRIBUTE_END);
        if (get(TEXT_END) == at) { // no body and no attribute yet
            int limit = base + Math.min(at + limits.bodyBytes(), capacity());
            int end = value instanceof String s ? KeyValueWire.putShortAsciiValue(area, base + at, limit, BODY_TAG, s) : -1;
            if (end >= 0 || (end = KeyValueWire.putString(area, base + at, limit, BODY_TAG, null, value)) >= 0) {
                set(BODY_END, end - base);
                set(ATTRIBUTE_END, end - base);
                return this;
            }
        }
        return body(STRING, value, 0, 0, 0); // the general path decides (it rewrites what this one left past the used bytes)
    }

    /** @param value the body @return this */
    public LogRecordWriter body(long value) {
        return body(LONG, null, value, 0, 0);
    }

    /** @param value the body @return this */
    public LogRecordWriter body(double value) {
        return body(DOUBLE, null, Double.doubleToRawLongBits(value), 0, 0); // raw bits: NaN payloads pass unchanged
    }

    /** @param value the body @return this */
    public LogRecordWriter body(boolean value) {
        return body(BOOLEAN, null, value ? 1 : 0, 0, 0);
    }

    /** @param value the body, copied now; not null @return this */
    public LogRecordWriter body(byte[] value) {
        return body(value, 0, value == null ? 0 : value.length);
    }

    /**
     * @param value not null @param offset first byte @param length bytes
     * @return this @throws IllegalArgumentException if the slice is outside the array
     */
    public LogRecordWriter body(byte[] value, int offset, int length) {
        requireValue(value);
        requireSlice(value, offset, length);
        return body(BYTES, value, 0, offset, length);
    }

    /** @param values an array body; not null, no null elements @return this */
    public LogRecordWriter body(CharSequence[] values) {
        return arrayBody(STRING_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param values not null, no null elements among the first {@code count} @param count how many @return this */
    public LogRecordWriter body(CharSequence[] values, int count) {
        return arrayBody(STRING_ARRAY, values, count);
    }

    /** @param values an array body; not null @return this */
    public LogRecordWriter body(long[] values) {
        return arrayBody(LONG_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param values not null @param count how many, from index 0 @return this */
    public LogRecordWriter body(long[] values, int count) {
        return arrayBody(LONG_ARRAY, values, count);
    }

    /** @param values an array body; not null @return this */
    public LogRecordWriter body(double[] values) {
        return arrayBody(DOUBLE_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param values not null @param count how many, from index 0 @return this */
    public LogRecordWriter body(double[] values, int count) {
        return arrayBody(DOUBLE_ARRAY, values, count);
    }

    /** @param values an array body; not null @return this */
    public LogRecordWriter body(boolean[] values) {
        return arrayBody(BOOLEAN_ARRAY, values, values == null ? 0 : values.length);
    }

    /** @param values not null @param count how many, from index 0 @return this */
    public LogRecordWriter body(boolean[] values, int count) {
        return arrayBody(BOOLEAN_ARRAY, values, count);
    }

    /** @param values an array of byte strings; not null, no null elements @return this */
    public LogRecordWriter body(byte[][] values) {
        return arrayBody(BYTES_ARRAY, values, values == null ? 0 : values.length);
    }

    private LogRecordWriter arrayBody(int kind, Object values, int count) {
        requireArray(values, count);
        return body(kind, values, 0, 0, count);
    }

    /** Replaces the body region with the new value; over the body budget the record is too large. */
    private LogRecordWriter body(int kind, Object value, long number, int offset, int count) {
        if (appendedToEmptyTail(BODY, BODY_TAG, kind, value, number, offset, count)) {
            return this; // the usual record: its body set once, before any attribute
        }
        int from = start(BODY);
        if (end(BODY) != from) {
            cut(BODY, from, end(BODY));
        }
        if (write(BODY, BODY_TAG, null, kind, value, number, offset, count) == 0) {
            bit(SlotFormat.TOO_LARGE, true); // never cut: the record is dropped and counted as too large
        }
        return this;
    }

    // ---------------------------------------------------------------- getters

    /** @return the limits */
    public LogLimits limits() {
        return limits;
    }

    /** @return the timestamp, 0 if unknown */
    public long timestamp() {
        return getLong(TIME);
    }

    /** @return the observed timestamp, 0 if unknown */
    public long observedTimestamp() {
        return getLong(OBSERVED_TIME);
    }

    /** @return the severity number, 0 if unset */
    public int severityNumber() {
        return area[base + SEVERITY];
    }

    // ---------------------------------------------------------------- the format's part of the slot machinery

    @Override
    SlotFormat format() {
        return LogSlot.FORMAT;
    }

    @Override
    Object recordLimits() {
        return limits;
    }

    @Override
    int budgetEnd(int r) {
        switch (r) {
            case TEXT:
                return HEADER_BYTES + limits.textBytes();
            case BODY:
                return start(r) + limits.bodyBytes();
            default:
                return start(r) + limits.attributeBytes();
        }
    }

    @Override
    int attributeRegion(int target) {
        return ATTRIBUTES;
    }

    @Override
    int attributeCountField(int target) {
        return ATTRIBUTE_COUNT;
    }

    @Override
    int attributePrefix(int target) {
        return -1;
    }

    @Override
    int attributesStart(int target, int prefix) {
        return start(ATTRIBUTES);
    }

    @Override
    int maxAttributes(int target) {
        return limits.maxAttributes();
    }

    @Override
    int attributeTag(int target) {
        return ATTRIBUTE_TAG;
    }

    @Override
    int topAttributeBytes() {
        return limits.attributeBytes();
    }

    @Override
    void droppedAttribute(int target, int prefix) {
        increment(DROPPED_ATTRIBUTES);
    }
}
