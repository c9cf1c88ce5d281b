package io.ringtrace.codec;

import static io.ringtrace.codec.LogSlot.ATTRIBUTE_END;
import static io.ringtrace.codec.LogSlot.BODY_END;
import static io.ringtrace.codec.LogSlot.DROPPED_ATTRIBUTES;
import static io.ringtrace.codec.LogSlot.EVENT_NAME_LENGTH;
import static io.ringtrace.codec.LogSlot.EVENT_NAME_OFFSET;
import static io.ringtrace.codec.LogSlot.FLAGS;
import static io.ringtrace.codec.LogSlot.HEADER_BYTES;
import static io.ringtrace.codec.LogSlot.OBSERVED_TIME;
import static io.ringtrace.codec.LogSlot.SEVERITY;
import static io.ringtrace.codec.LogSlot.SEVERITY_TEXT_LENGTH;
import static io.ringtrace.codec.LogSlot.SEVERITY_TEXT_OFFSET;
import static io.ringtrace.codec.LogSlot.SPAN_ID;
import static io.ringtrace.codec.LogSlot.STATE_BITS;
import static io.ringtrace.codec.LogSlot.TEXT_END;
import static io.ringtrace.codec.LogSlot.TIME;
import static io.ringtrace.codec.LogSlot.TRACE_ID_HIGH;
import static io.ringtrace.codec.LogSlot.TRACE_ID_LOW;

/**
 * The encoder's reader of one log record in the {@link LogSlot} format, in place: every field it
 * uses is read once and checked against the record's bounds before a byte is written; the size and
 * the bytes are then computed from these copies alone. A record changed by another thread meanwhile
 * can so make its content wrong, but never its size, and never make the encoder read outside
 * {@code [base, limit)}. Allocation-free.
 */
final class LogSlotReader {
    long timeEpochNanos;
    long observedEpochNanos;
    long traceIdHigh;
    long traceIdLow;
    long spanId;
    int flags;
    int severity;
    /** Absolute offsets into the area from here on. */
    int severityTextOffset;
    int severityTextLength;
    int eventNameOffset;
    int eventNameLength;
    /** The body field (complete, tag included) and the attribute fields. */
    int bodyStart;
    int bodyEnd;
    int attributeEnd;
    int droppedAttributes;

    /**
     * @param a the area
     * @param base where the record starts
     * @param limit the end of the record's room in {@code a}: nothing at or past it is read
     * @return whether the record is valid (not marked too large or failed, fields in range,
     *     regions and texts inside its room); this then holds its checked fields
     */
    boolean readFrom(byte[] a, int base, int limit) {
        if (base < 0 || limit > a.length || limit - base < HEADER_BYTES) {
            return false;
        }
        // the scalar fields, each checked as it is read
        severity = a[base + SEVERITY];
        flags = SlotFormat.getInt(a, base + FLAGS);
        if ((a[base + STATE_BITS] & (SlotFormat.FILL_FAILED | SlotFormat.TOO_LARGE)) != 0
                || severity < 0 || severity > LogRecordWriter.MAX_SEVERITY || (flags & ~0xFF) != 0) {
            return false;
        }
        timeEpochNanos = SlotFormat.getLong(a, base + TIME);
        observedEpochNanos = SlotFormat.getLong(a, base + OBSERVED_TIME);
        droppedAttributes = SlotFormat.getInt(a, base + DROPPED_ATTRIBUTES);
        if (timeEpochNanos < 0 || observedEpochNanos < 0 || droppedAttributes < 0) {
            return false;
        }
        traceIdHigh = SlotFormat.getLong(a, base + TRACE_ID_HIGH);
        traceIdLow = SlotFormat.getLong(a, base + TRACE_ID_LOW);
        spanId = SlotFormat.getLong(a, base + SPAN_ID);
        int room = limit - base;
        int textEnd = SlotFormat.getInt(a, base + TEXT_END);
        int body = SlotFormat.getInt(a, base + BODY_END);
        int attributes = SlotFormat.getInt(a, base + ATTRIBUTE_END);
        if (textEnd < HEADER_BYTES || body < textEnd || attributes < body || attributes > room) {
            return false;
        }
        severityTextOffset = SlotFormat.getInt(a, base + SEVERITY_TEXT_OFFSET);
        severityTextLength = SlotFormat.getInt(a, base + SEVERITY_TEXT_LENGTH);
        eventNameOffset = SlotFormat.getInt(a, base + EVENT_NAME_OFFSET);
        eventNameLength = SlotFormat.getInt(a, base + EVENT_NAME_LENGTH);
        if (!LogSlot.FORMAT.textInside(severityTextOffset, severityTextLength, textEnd)
                || !LogSlot.FORMAT.textInside(eventNameOffset, eventNameLength, textEnd)) {
            return false;
        }
        severityTextOffset += base;
        eventNameOffset += base;
        bodyStart = base + textEnd;
        bodyEnd = base + body;
        attributeEnd = base + attributes;
        return true;
    }
}
