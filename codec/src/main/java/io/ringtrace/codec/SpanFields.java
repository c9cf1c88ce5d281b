package io.ringtrace.codec;

import static io.ringtrace.codec.SpanSlot.DROPPED_ATTRIBUTES;
import static io.ringtrace.codec.SpanSlot.DROPPED_EVENTS;
import static io.ringtrace.codec.SpanSlot.DROPPED_LINKS;
import static io.ringtrace.codec.SpanSlot.END_EPOCH_NANOS;
import static io.ringtrace.codec.SpanSlot.EVENT_COUNT;
import static io.ringtrace.codec.SpanSlot.EVENT_PREFIX_BYTES;
import static io.ringtrace.codec.SpanSlot.FLAGS;
import static io.ringtrace.codec.SpanSlot.KIND;
import static io.ringtrace.codec.SpanSlot.LATEST_EVENT_ATTRIBUTES;
import static io.ringtrace.codec.SpanSlot.LATEST_EVENT_DROPPED;
import static io.ringtrace.codec.SpanSlot.LATEST_EVENT_START;
import static io.ringtrace.codec.SpanSlot.LATEST_LINK_ATTRIBUTES;
import static io.ringtrace.codec.SpanSlot.LATEST_LINK_DROPPED;
import static io.ringtrace.codec.SpanSlot.LATEST_LINK_START;
import static io.ringtrace.codec.SpanSlot.LINK_COUNT;
import static io.ringtrace.codec.SpanSlot.LINK_PREFIX_BYTES;
import static io.ringtrace.codec.SpanSlot.NAME_LENGTH;
import static io.ringtrace.codec.SpanSlot.NAME_OFFSET;
import static io.ringtrace.codec.SpanSlot.PARENT_SPAN_ID;
import static io.ringtrace.codec.SpanSlot.PREFIX_BODY_LENGTH;
import static io.ringtrace.codec.SpanSlot.PREFIX_DROPPED;
import static io.ringtrace.codec.SpanSlot.PREFIX_FLAGS;
import static io.ringtrace.codec.SpanSlot.SPAN_ID;
import static io.ringtrace.codec.SpanSlot.START_EPOCH_NANOS;
import static io.ringtrace.codec.SpanSlot.STATUS_CODE;
import static io.ringtrace.codec.SpanSlot.STATUS_MESSAGE_LENGTH;
import static io.ringtrace.codec.SpanSlot.STATUS_MESSAGE_OFFSET;
import static io.ringtrace.codec.SpanSlot.TRACE_ID_HIGH;
import static io.ringtrace.codec.SpanSlot.TRACE_ID_LOW;
import static io.ringtrace.codec.SpanSlot.TRACE_STATE_LENGTH;
import static io.ringtrace.codec.SpanSlot.TRACE_STATE_OFFSET;
import static io.ringtrace.codec.WireFormat.putFixed64;
import static io.ringtrace.codec.WireFormat.putIdBytes;
import static io.ringtrace.codec.WireFormat.putUtf8;
import static io.ringtrace.codec.WireFormat.putVarint;
import static io.ringtrace.codec.WireFormat.utf8Length;

/**
 * The header fields, texts, events and links of a {@link SpanRecord}, and their getters: the part
 * of the writer that is not an attribute overload. Public methods here are {@link SpanRecord}'s
 * (this class is not public); setters return the record for chaining.
 */
abstract class SpanFields extends SpanSlotWriter {

    SpanFields(SpanLimits limits, byte[] area, int base, int capacity, SpanOverflow overflow) {
        super(limits, area, base, capacity, overflow);
    }

    /**
     * @param high the trace id's first 8 bytes (big-endian)
     * @param low the trace id's last 8 bytes
     * @return this
     * @throws IllegalArgumentException if both are 0 (the invalid trace id)
     */
    public SpanRecord traceId(long high, long low) {
        if (high == 0 && low == 0) {
            throw refused("trace id must not be all zeros");
        }
        setLong(TRACE_ID_HIGH, high);
        setLong(TRACE_ID_LOW, low);
        return self();
    }

    /**
     * @param spanId the span id (its 8 bytes big-endian)
     * @return this
     * @throws IllegalArgumentException if 0 (the invalid span id)
     */
    public SpanRecord spanId(long spanId) {
        if (spanId == 0) {
            throw refused("span id must not be 0");
        }
        setLong(SPAN_ID, spanId);
        return self();
    }

    /** @param parentSpanId the parent's span id, 0 for a root span @return this */
    public SpanRecord parentSpanId(long parentSpanId) {
        setLong(PARENT_SPAN_ID, parentSpanId);
        return self();
    }

    /**
     * @param flags OTLP {@code Span.flags}: W3C trace flags in bits 0-7, {@code HAS_IS_REMOTE} and
     *     {@code IS_REMOTE} in bits 8-9 ({@link SpanFlags#of(int, boolean)})
     * @return this
     */
    public SpanRecord traceFlags(int flags) {
        set(FLAGS, flags);
        return self();
    }

    /**
     * @param traceState a W3C {@code tracestate}, kept normalized; null, empty or invalid: none
     * @return this
     */
    public SpanRecord traceState(CharSequence traceState) {
        freeText(TRACE_STATE_OFFSET, TRACE_STATE_LENGTH);
        int room = room(TEXT);
        int n = W3cTraceState.normalizedLength(traceState);
        if (n > room) { // rare: keep the whole members that fit
            n = W3cTraceState.putNormalized(traceState, null, 0, room);
        }
        int at = n > 0 ? reserve(TEXT, n) : -1;
        if (at >= 0) {
            W3cTraceState.putNormalized(traceState, area, at, n);
        }
        setText(TRACE_STATE_OFFSET, TRACE_STATE_LENGTH, at, n);
        return self();
    }

    /** @param name the span name, pre-encoded @return this @throws IllegalArgumentException if null */
    public SpanRecord name(Utf8Constant name) {
        if (name == null) {
            throw refused("span name must not be null");
        }
        freeText(NAME_OFFSET, NAME_LENGTH);
        putText(NAME_OFFSET, NAME_LENGTH, name);
        return self();
    }

    /** @param name the span name, encoded now @return this @throws IllegalArgumentException if null */
    public SpanRecord name(CharSequence name) {
        if (name == null) {
            throw refused("span name must not be null");
        }
        freeText(NAME_OFFSET, NAME_LENGTH);
        putText(NAME_OFFSET, NAME_LENGTH, name);
        return self();
    }

    /** @param kind a {@link SpanKind} constant @return this @throws IllegalArgumentException if out of range */
    public SpanRecord kind(int kind) {
        if (!SpanKind.isValid(kind)) {
            throw refused("span kind out of range: " + kind);
        }
        area[base + KIND] = (byte) kind;
        return self();
    }

    /** @param epochNanos start time, nanoseconds since the epoch @return this */
    public SpanRecord startEpochNanos(long epochNanos) {
        setLong(START_EPOCH_NANOS, epochNanos);
        return self();
    }

    /** @param epochNanos end time, nanoseconds since the epoch @return this */
    public SpanRecord endEpochNanos(long epochNanos) {
        setLong(END_EPOCH_NANOS, epochNanos);
        return self();
    }

    /**
     * @param code one of the {@link StatusCode} constants
     * @param message the status message, encoded to UTF-8 now; null or empty for none
     * @return this
     * @throws IllegalArgumentException if {@code code} is out of range
     */
    public SpanRecord status(int code, CharSequence message) {
        if (!StatusCode.isValid(code)) {
            throw refused("status code out of range: " + code);
        }
        area[base + STATUS_CODE] = (byte) code;
        freeText(STATUS_MESSAGE_OFFSET, STATUS_MESSAGE_LENGTH);
        if (message == null) {
            setText(STATUS_MESSAGE_OFFSET, STATUS_MESSAGE_LENGTH, -1, 0);
        } else {
            putText(STATUS_MESSAGE_OFFSET, STATUS_MESSAGE_LENGTH, message);
        }
        return self();
    }

    // ---------------------------------------------------------------- events

    /**
     * Adds an event; its attributes follow through {@link SpanRecord#eventAttributes()}.
     *
     * @param name the event name, pre-encoded; not null
     * @param epochNanos its time
     * @return this
     */
    public SpanRecord addEvent(Utf8Constant name, long epochNanos) {
        if (name == null) {
            throw refused("event name must not be null");
        }
        int n = name.utf8Length();
        int pos = eventStart(epochNanos, n);
        if (pos >= 0) {
            System.arraycopy(name.utf8(), 0, area, pos, n);
        }
        return self();
    }

    /**
     * @param name the event name, encoded now; not null
     * @param epochNanos its time
     * @return this
     */
    public SpanRecord addEvent(CharSequence name, long epochNanos) {
        if (name == null) {
            throw refused("event name must not be null");
        }
        // a name longer in chars than the room left cannot fit (>= 1 byte per char): drop it unscanned
        int n = name.length() > room(EVENTS) ? Integer.MAX_VALUE : utf8Length(name);
        int pos = eventStart(epochNanos, n);
        if (pos >= 0) {
            putUtf8(area, pos, name);
        }
        return self();
    }

    /** Writes a new event's prefix, time and name header; returns where the name's bytes go, or -1 (dropped, counted). */
    private int eventStart(long epochNanos, int n) {
        long size = (epochNanos != 0 ? 9 : 0) + (n != 0 ? 1L + WireFormat.varintSize(n) + n : 0);
        int at;
        if (get(EVENT_COUNT) >= limits.maxEvents() || size > room(EVENTS)
                || (at = reserve(EVENTS, EVENT_PREFIX_BYTES + (int) size)) < 0) {
            increment(DROPPED_EVENTS);
            bit(LATEST_EVENT_DROPPED, true);
            return -1;
        }
        increment(EVENT_COUNT);
        set(LATEST_EVENT_START, at - base);
        set(LATEST_EVENT_ATTRIBUTES, 0);
        bit(LATEST_EVENT_DROPPED, false);
        SpanSlot.putInt(area, at + PREFIX_BODY_LENGTH, (int) size);
        SpanSlot.putInt(area, at + PREFIX_DROPPED, 0);
        int pos = at + EVENT_PREFIX_BYTES;
        if (epochNanos != 0) {
            area[pos++] = 0x09; // Event.time_unix_nano (1, I64)
            pos = putFixed64(area, pos, epochNanos);
        }
        if (n != 0) {
            area[pos++] = 0x12; // Event.name (2, LEN)
            pos = putVarint(area, pos, n);
        }
        return pos;
    }

    // ---------------------------------------------------------------- links

    /**
     * Adds a link; its attributes follow through {@link SpanRecord#linkAttributes()}.
     *
     * @param traceIdHigh the linked trace id's first 8 bytes
     * @param traceIdLow its last 8 bytes
     * @param spanId the linked span id
     * @param flags OTLP {@code Link.flags} (as {@link #traceFlags(int)})
     * @param traceState its W3C trace state, kept normalized; null, empty or invalid: none
     * @return this
     * @throws IllegalArgumentException if the ids are all zeros
     */
    public SpanRecord addLink(long traceIdHigh, long traceIdLow, long spanId, int flags, CharSequence traceState) {
        if ((traceIdHigh == 0 && traceIdLow == 0) || spanId == 0) {
            throw refused("link trace id and span id must not be all zeros");
        }
        int n = Math.max(W3cTraceState.normalizedLength(traceState), 0);
        long size = 28 + (n != 0 ? 1L + WireFormat.varintSize(n) + n : 0);
        int at;
        if (get(LINK_COUNT) >= limits.maxLinks() || size > room(LINKS)
                || (at = reserve(LINKS, LINK_PREFIX_BYTES + (int) size)) < 0) {
            increment(DROPPED_LINKS);
            bit(LATEST_LINK_DROPPED, true);
            return self();
        }
        increment(LINK_COUNT);
        set(LATEST_LINK_START, at - base);
        set(LATEST_LINK_ATTRIBUTES, 0);
        bit(LATEST_LINK_DROPPED, false);
        byte[] a = area;
        SpanSlot.putInt(a, at + PREFIX_BODY_LENGTH, (int) size);
        SpanSlot.putInt(a, at + PREFIX_DROPPED, 0);
        SpanSlot.putInt(a, at + PREFIX_FLAGS, flags);
        int pos = at + LINK_PREFIX_BYTES;
        a[pos++] = 0x0A; // Link.trace_id (1, LEN), 16 bytes
        a[pos++] = 16;
        pos = putIdBytes(a, pos, traceIdHigh);
        pos = putIdBytes(a, pos, traceIdLow);
        a[pos++] = 0x12; // Link.span_id (2, LEN), 8 bytes
        a[pos++] = 8;
        pos = putIdBytes(a, pos, spanId);
        if (n != 0) {
            a[pos++] = 0x1A; // Link.trace_state (3, LEN)
            pos = putVarint(a, pos, n);
            W3cTraceState.putNormalized(traceState, a, pos, n);
        }
        return self();
    }

    // ---------------------------------------------------------------- drops that happened before the record

    /**
     * Adds to the span's dropped counts what was dropped before the span reached this record (by
     * another SDK's span limits, when copying its span); drops by this record's own limits add to
     * the same counts. The sums saturate at {@link Integer#MAX_VALUE}.
     *
     * @param attributes span attributes dropped elsewhere, &gt;= 0
     * @param events events dropped elsewhere, &gt;= 0
     * @param links links dropped elsewhere, &gt;= 0
     * @return this
     * @throws IllegalArgumentException if a count is negative
     */
    public SpanRecord addDropped(int attributes, int events, int links) {
        if ((attributes | events | links) < 0) {
            throw refused("dropped counts must not be negative: " + attributes + ", " + events + ", " + links);
        }
        addSaturated(DROPPED_ATTRIBUTES, attributes);
        addSaturated(DROPPED_EVENTS, events);
        addSaturated(DROPPED_LINKS, links);
        return self();
    }

    /**
     * Adds to the latest event's dropped attributes count (ignored if that event was itself
     * dropped: it is counted in the span's dropped events).
     *
     * @param attributes the event's attributes dropped elsewhere, &gt;= 0
     * @return this
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if no event was added
     */
    public SpanRecord addEventDroppedAttributes(int attributes) {
        if (attributes < 0) {
            throw refused("dropped count must not be negative: " + attributes);
        }
        if (get(EVENT_COUNT) == 0 && get(DROPPED_EVENTS) == 0) {
            throw refusedOutOfOrder("addEventDroppedAttributes(...) before addEvent(...)");
        }
        if (!bit(LATEST_EVENT_DROPPED)) {
            addSaturated(get(LATEST_EVENT_START) + PREFIX_DROPPED, attributes);
        }
        return self();
    }

    /**
     * Adds to the latest link's dropped attributes count (ignored if that link was itself dropped).
     *
     * @param attributes the link's attributes dropped elsewhere, &gt;= 0
     * @return this
     * @throws IllegalArgumentException if negative
     * @throws IllegalStateException if no link was added
     */
    public SpanRecord addLinkDroppedAttributes(int attributes) {
        if (attributes < 0) {
            throw refused("dropped count must not be negative: " + attributes);
        }
        if (get(LINK_COUNT) == 0 && get(DROPPED_LINKS) == 0) {
            throw refusedOutOfOrder("addLinkDroppedAttributes(...) before addLink(...)");
        }
        if (!bit(LATEST_LINK_DROPPED)) {
            addSaturated(get(LATEST_LINK_START) + PREFIX_DROPPED, attributes);
        }
        return self();
    }

    private void addSaturated(int field, int add) {
        set(field, (int) Math.min(Integer.MAX_VALUE, (long) get(field) + add));
    }

    // ---------------------------------------------------------------- getters

    /** @return the limits */
    public SpanLimits limits() {
        return limits;
    }

    /** @return the parent span id, 0 for none */
    public long parentSpanId() {
        return getLong(PARENT_SPAN_ID);
    }

    /** @return the span kind */
    public int kind() {
        return area[base + KIND];
    }

    /** @return the start time */
    public long startEpochNanos() {
        return getLong(START_EPOCH_NANOS);
    }

    /** @return the end time */
    public long endEpochNanos() {
        return getLong(END_EPOCH_NANOS);
    }

    /** @return the status code */
    public int statusCode() {
        return area[base + STATUS_CODE];
    }

    /** @return whether trace id and span id are set (not all zeros): the encoder accepts only such records */
    public boolean hasValidIds() {
        return (traceIdHigh() != 0 || traceIdLow() != 0) && spanId() != 0;
    }

    /** @return events kept */
    public int eventCount() {
        return get(EVENT_COUNT);
    }

    /** @return links kept */
    public int linkCount() {
        return get(LINK_COUNT);
    }

    /** @return events dropped (OTLP {@code dropped_events_count}) */
    public int droppedEventsCount() {
        return get(DROPPED_EVENTS);
    }

    /** @return links dropped (OTLP {@code dropped_links_count}) */
    public int droppedLinksCount() {
        return get(DROPPED_LINKS);
    }

    /** @param event index below {@link #eventCount()} @return that event's dropped attributes */
    public int eventDroppedAttributesCount(int event) {
        return prefixField(EVENTS, EVENT_PREFIX_BYTES, java.util.Objects.checkIndex(event, eventCount()));
    }

    /** @param link index below {@link #linkCount()} @return that link's dropped attributes */
    public int linkDroppedAttributesCount(int link) {
        return prefixField(LINKS, LINK_PREFIX_BYTES, java.util.Objects.checkIndex(link, linkCount()));
    }

    private int prefixField(int region, int prefixBytes, int index) {
        int p = start(region);
        for (int i = 0; i < index; i++) {
            p += prefixBytes + get(p + PREFIX_BODY_LENGTH);
        }
        return get(p + PREFIX_DROPPED);
    }


}
