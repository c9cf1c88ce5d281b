package io.ringtrace.codec;

import static io.ringtrace.codec.SpanSlot.ATTRIBUTE_COUNT;
import static io.ringtrace.codec.SpanSlot.DROPPED_ATTRIBUTES;
import static io.ringtrace.codec.SpanSlot.EVENT_COUNT;
import static io.ringtrace.codec.SpanSlot.EVENT_PREFIX_BYTES;
import static io.ringtrace.codec.SpanSlot.HEADER_BYTES;
import static io.ringtrace.codec.SpanSlot.LATEST_EVENT_ATTRIBUTES;
import static io.ringtrace.codec.SpanSlot.LATEST_EVENT_START;
import static io.ringtrace.codec.SpanSlot.LATEST_LINK_ATTRIBUTES;
import static io.ringtrace.codec.SpanSlot.LATEST_LINK_START;
import static io.ringtrace.codec.SpanSlot.LINK_COUNT;
import static io.ringtrace.codec.SpanSlot.LINK_PREFIX_BYTES;

/**
 * The span format's part of the slot machinery ({@link SlotWriter}): the four regions' byte
 * budgets, the three attribute targets (the span, its latest event, its latest link) and the
 * pointers to the latest event and link that move with the bytes. {@link SpanRecord} is its public
 * face.
 */
abstract class SpanSlotWriter extends RecordWriter<SpanRecord> {

    static final int TEXT = TEXT_REGION;
    static final int ATTRIBUTES = 1;
    static final int EVENTS = 2;
    static final int LINKS = 3;

    /** Attribute targets. */
    static final int SPAN = TOP;
    static final int EVENT = 1;
    static final int LINK = 2;

    /** {@code Span.attributes} (9, LEN), {@code Event.attributes} (3, LEN), {@code Link.attributes} (4, LEN). */
    private static final int[] ATTRIBUTE_TAGS = {0x4A, 0x1A, 0x22};

    final SpanLimits limits;

    SpanSlotWriter(SpanLimits limits, byte[] area, int base, int capacity, SpanOverflow overflow) {
        super(SpanSlot.FORMAT, SpanSlot.maxSpanBytes(requireLimits(limits)), area, base, capacity, overflow);
        this.limits = limits;
    }

    @Override
    final SlotFormat format() {
        return SpanSlot.FORMAT;
    }

    @Override
    final Object recordLimits() {
        return limits;
    }

    @Override
    final int budgetEnd(int r) {
        switch (r) {
            case TEXT:
                return HEADER_BYTES + limits.textBytes();
            case ATTRIBUTES:
                return start(r) + limits.attributeBytes();
            case EVENTS:
                return start(r) + limits.eventBytes() + EVENT_PREFIX_BYTES * get(EVENT_COUNT);
            default:
                return start(r) + limits.linkBytes() + LINK_PREFIX_BYTES * get(LINK_COUNT);
        }
    }

    /** The latest event's and link's starts that lie at or after {@code from} moved with the bytes behind it. */
    @Override
    final void shiftedMarks(int r, int from, int delta) {
        if (get(EVENT_COUNT) > 0 && get(LATEST_EVENT_START) >= from && r < EVENTS) {
            set(LATEST_EVENT_START, get(LATEST_EVENT_START) + delta);
        }
        if (get(LINK_COUNT) > 0 && get(LATEST_LINK_START) >= from && r < LINKS) {
            set(LATEST_LINK_START, get(LATEST_LINK_START) + delta);
        }
    }

    @Override
    final int attributeRegion(int target) {
        return target == SPAN ? ATTRIBUTES : target == EVENT ? EVENTS : LINKS;
    }

    @Override
    final int attributeCountField(int target) {
        return target == SPAN ? ATTRIBUTE_COUNT : target == EVENT ? LATEST_EVENT_ATTRIBUTES : LATEST_LINK_ATTRIBUTES;
    }

    @Override
    final int attributePrefix(int target) {
        return target == EVENT ? get(LATEST_EVENT_START) : target == LINK ? get(LATEST_LINK_START) : -1;
    }

    @Override
    final int maxAttributes(int target) {
        return target == SPAN ? limits.maxAttributes()
                : target == EVENT ? limits.maxAttributesPerEvent() : limits.maxAttributesPerLink();
    }

    @Override
    final int attributeTag(int target) {
        return ATTRIBUTE_TAGS[target];
    }

    @Override
    final int topAttributeBytes() {
        return limits.attributeBytes();
    }

    @Override
    final void droppedAttribute(int target, int prefix) {
        if (target == SPAN) {
            increment(DROPPED_ATTRIBUTES);
        } else {
            set(prefix + PREFIX_DROPPED, get(prefix + PREFIX_DROPPED) + 1);
        }
    }

    /**
     * @return where the attributes of the span or of its latest event or link begin (relative):
     *     after the prefix and the fields in front of them (event: time, name; link: ids, trace state)
     */
    @Override
    final int attributesStart(int target, int prefix) {
        if (target == SPAN) {
            return start(ATTRIBUTES);
        }
        byte[] a = area;
        int p = base + prefix;
        if (target == EVENT) {
            p += EVENT_PREFIX_BYTES;
            int bodyEnd = p + SpanSlot.getInt(a, base + prefix + PREFIX_BODY_LENGTH);
            if (p < bodyEnd && a[p] == 0x09) { // Event.time_unix_nano (1, I64)
                p += 9;
            }
            if (p < bodyEnd && a[p] == 0x12) { // Event.name (2, LEN)
                p = skipLength(a, p + 1);
            }
        } else {
            p += LINK_PREFIX_BYTES + 28; // trace_id (1) and span_id (2): always present, 28 bytes
            int bodyEnd = base + prefix + LINK_PREFIX_BYTES + SpanSlot.getInt(a, base + prefix + PREFIX_BODY_LENGTH);
            if (p < bodyEnd && a[p] == 0x1A) { // Link.trace_state (3, LEN)
                p = skipLength(a, p + 1);
            }
        }
        return p - base;
    }

    /** @return the position after the length-delimited value whose varint length starts at {@code p} */
    private static int skipLength(byte[] a, int p) {
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = a[p++];
            length |= (b & 0x7F) << shift;
            if (b >= 0) {
                return p + length;
            }
        }
    }
}
