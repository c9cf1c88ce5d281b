package io.ringtrace.codec;

import static io.ringtrace.codec.SpanSlot.ATTRIBUTE_END;
import static io.ringtrace.codec.SpanSlot.DROPPED_ATTRIBUTES;
import static io.ringtrace.codec.SpanSlot.DROPPED_EVENTS;
import static io.ringtrace.codec.SpanSlot.DROPPED_LINKS;
import static io.ringtrace.codec.SpanSlot.END_EPOCH_NANOS;
import static io.ringtrace.codec.SpanSlot.EVENT_COUNT;
import static io.ringtrace.codec.SpanSlot.EVENT_END;
import static io.ringtrace.codec.SpanSlot.EVENT_PREFIX_BYTES;
import static io.ringtrace.codec.SpanSlot.FILL_FAILED;
import static io.ringtrace.codec.SpanSlot.FLAGS;
import static io.ringtrace.codec.SpanSlot.HEADER_BYTES;
import static io.ringtrace.codec.SpanSlot.KIND;
import static io.ringtrace.codec.SpanSlot.LINK_COUNT;
import static io.ringtrace.codec.SpanSlot.LINK_END;
import static io.ringtrace.codec.SpanSlot.LINK_PREFIX_BYTES;
import static io.ringtrace.codec.SpanSlot.NAME_LENGTH;
import static io.ringtrace.codec.SpanSlot.NAME_OFFSET;
import static io.ringtrace.codec.SpanSlot.PARENT_SPAN_ID;
import static io.ringtrace.codec.SpanSlot.PREFIX_BODY_LENGTH;
import static io.ringtrace.codec.SpanSlot.PREFIX_DROPPED;
import static io.ringtrace.codec.SpanSlot.PREFIX_FLAGS;
import static io.ringtrace.codec.SpanSlot.SPAN_ID;
import static io.ringtrace.codec.SpanSlot.START_EPOCH_NANOS;
import static io.ringtrace.codec.SpanSlot.STATE_BITS;
import static io.ringtrace.codec.SpanSlot.STATUS_CODE;
import static io.ringtrace.codec.SpanSlot.STATUS_MESSAGE_LENGTH;
import static io.ringtrace.codec.SpanSlot.STATUS_MESSAGE_OFFSET;
import static io.ringtrace.codec.SpanSlot.TEXT_END;
import static io.ringtrace.codec.SpanSlot.TOO_LARGE;
import static io.ringtrace.codec.SpanSlot.TRACE_ID_HIGH;
import static io.ringtrace.codec.SpanSlot.TRACE_ID_LOW;
import static io.ringtrace.codec.SpanSlot.TRACE_STATE_LENGTH;
import static io.ringtrace.codec.SpanSlot.TRACE_STATE_OFFSET;

/**
 * The encoder's reader of one span in the {@link SpanSlot} format, in place: every field it uses
 * is read once and checked against the span's bounds before a byte is written; the size and the
 * bytes are then computed from these copies alone (variable parts are copied straight from the
 * area at the checked absolute offsets). A span written by another thread meanwhile (ring-API
 * misuse) can so make its content wrong, but never its size, and never make the encoder read
 * outside {@code [base, limit)} or write past the span's computed size. Reused: no allocation once
 * its tables are as large as the span with the most events and links.
 */
final class SpanSlotReader {
    long traceIdHigh;
    long traceIdLow;
    long spanId;
    long parentSpanId;
    long startEpochNanos;
    /** At least {@link #startEpochNanos}. */
    long endEpochNanos;
    int flags;
    int kind;
    int statusCode;
    /** Absolute offsets into the area from here on. */
    int nameOffset;
    int nameLength;
    /** Whether the name is empty or blank and the fallback name is sent instead. */
    boolean fallbackName;
    int traceStateOffset;
    int traceStateLength;
    int statusMessageOffset;
    int statusMessageLength;
    int attributeStart;
    int attributeEnd;
    int droppedAttributes;
    int eventCount;
    int droppedEvents;
    int linkCount;
    int droppedLinks;
    /** Per event: body start, body length, dropped attributes. */
    int[] events = new int[0];
    /** Per link: body start, body length, dropped attributes, flags. */
    int[] links = new int[0];

    /**
     * @param a the area
     * @param base where the span starts
     * @param limit the end of the span's room in {@code a}: nothing at or past it is read
     * @return whether the span is valid; this then holds its checked fields
     */
    boolean readFrom(byte[] a, int base, int limit) {
        if (base < 0 || limit > a.length || limit - base < HEADER_BYTES) {
            return false;
        }
        traceIdHigh = SpanSlot.getLong(a, base + TRACE_ID_HIGH);
        traceIdLow = SpanSlot.getLong(a, base + TRACE_ID_LOW);
        spanId = SpanSlot.getLong(a, base + SPAN_ID);
        parentSpanId = SpanSlot.getLong(a, base + PARENT_SPAN_ID);
        startEpochNanos = SpanSlot.getLong(a, base + START_EPOCH_NANOS);
        long end = SpanSlot.getLong(a, base + END_EPOCH_NANOS);
        flags = SpanSlot.getInt(a, base + FLAGS);
        kind = a[base + KIND];
        statusCode = a[base + STATUS_CODE];
        if ((a[base + STATE_BITS] & (FILL_FAILED | TOO_LARGE)) != 0 || (traceIdHigh == 0 && traceIdLow == 0)
                || spanId == 0 || startEpochNanos <= 0 || end <= 0 || !SpanKind.isValid(kind)
                || !StatusCode.isValid(statusCode)) {
            return false;
        }
        endEpochNanos = Math.max(startEpochNanos, end);
        // regions: in order, inside [header, limit)
        int room = limit - base;
        int textEnd = SpanSlot.getInt(a, base + TEXT_END);
        int attributes = SpanSlot.getInt(a, base + ATTRIBUTE_END);
        int eventEnd = SpanSlot.getInt(a, base + EVENT_END);
        int linkEnd = SpanSlot.getInt(a, base + LINK_END);
        if (textEnd < HEADER_BYTES || attributes < textEnd || eventEnd < attributes || linkEnd < eventEnd
                || linkEnd > room) {
            return false;
        }
        // texts: inside the text region
        nameOffset = SpanSlot.getInt(a, base + NAME_OFFSET);
        nameLength = SpanSlot.getInt(a, base + NAME_LENGTH);
        traceStateOffset = SpanSlot.getInt(a, base + TRACE_STATE_OFFSET);
        traceStateLength = SpanSlot.getInt(a, base + TRACE_STATE_LENGTH);
        statusMessageOffset = SpanSlot.getInt(a, base + STATUS_MESSAGE_OFFSET);
        statusMessageLength = SpanSlot.getInt(a, base + STATUS_MESSAGE_LENGTH);
        final SlotFormat f = SpanSlot.FORMAT;
        if (!f.textInside(nameOffset, nameLength, textEnd) || !f.textInside(traceStateOffset, traceStateLength, textEnd)
                || !f.textInside(statusMessageOffset, statusMessageLength, textEnd)) {
            return false;
        }
        nameOffset += base;
        traceStateOffset += base;
        statusMessageOffset += base;
        attributeStart = base + textEnd;
        attributeEnd = base + attributes;
        droppedAttributes = SpanSlot.getInt(a, base + DROPPED_ATTRIBUTES);
        droppedEvents = SpanSlot.getInt(a, base + DROPPED_EVENTS);
        droppedLinks = SpanSlot.getInt(a, base + DROPPED_LINKS);
        eventCount = SpanSlot.getInt(a, base + EVENT_COUNT);
        linkCount = SpanSlot.getInt(a, base + LINK_COUNT);
        if (droppedAttributes < 0 || droppedEvents < 0 || droppedLinks < 0
                || eventCount < 0 || eventCount > (eventEnd - attributes) / EVENT_PREFIX_BYTES
                || linkCount < 0 || linkCount > (linkEnd - eventEnd) / LINK_PREFIX_BYTES) {
            return false;
        }
        // events and links: each prefix and body inside its region, the bodies filling it exactly
        if (events.length < 3 * eventCount) {
            events = new int[Math.max(3 * eventCount, 2 * events.length)]; // once per larger span
        }
        if (links.length < 4 * linkCount) {
            links = new int[Math.max(4 * linkCount, 2 * links.length)];
        }
        int p = base + attributes;
        int regionEnd = base + eventEnd;
        for (int i = 0; i < eventCount; i++) {
            int length;
            int dropped;
            if (EVENT_PREFIX_BYTES > regionEnd - p
                    || (length = SpanSlot.getInt(a, p + PREFIX_BODY_LENGTH)) < 0
                    || length > regionEnd - p - EVENT_PREFIX_BYTES
                    || (dropped = SpanSlot.getInt(a, p + PREFIX_DROPPED)) < 0) {
                return false;
            }
            events[3 * i] = p + EVENT_PREFIX_BYTES;
            events[3 * i + 1] = length;
            events[3 * i + 2] = dropped;
            p += EVENT_PREFIX_BYTES + length;
        }
        if (p != regionEnd) {
            return false;
        }
        regionEnd = base + linkEnd;
        for (int i = 0; i < linkCount; i++) {
            int length;
            int dropped;
            if (LINK_PREFIX_BYTES > regionEnd - p
                    || (length = SpanSlot.getInt(a, p + PREFIX_BODY_LENGTH)) < 0
                    || length > regionEnd - p - LINK_PREFIX_BYTES
                    || (dropped = SpanSlot.getInt(a, p + PREFIX_DROPPED)) < 0) {
                return false;
            }
            links[4 * i] = p + LINK_PREFIX_BYTES;
            links[4 * i + 1] = length;
            links[4 * i + 2] = dropped;
            links[4 * i + 3] = SpanSlot.getInt(a, p + PREFIX_FLAGS);
            p += LINK_PREFIX_BYTES + length;
        }
        if (p != regionEnd) {
            return false;
        }
        fallbackName = isBlank(a, nameOffset, nameLength);
        return true;
    }

    /**
     * @return whether the UTF-8 text is empty or only bytes up to {@code 0x20}: exactly the texts
     *     that {@link String#trim()} makes empty (every other char encodes to bytes above it)
     */
    private static boolean isBlank(byte[] utf8, int offset, int length) {
        for (int i = offset, end = offset + length; i < end; i++) {
            if ((utf8[i] & 0xFF) > 0x20) {
                return false;
            }
        }
        return true;
    }
}
