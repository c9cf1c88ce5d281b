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
     * The setters of the latest event's or link's attributes: one flyweight, pointed by each
     * accessor, made at the first use (24 bytes, once per record): most ring slots never take an
     * event or link attribute, and one made eagerly would cost every slot of a ring.
     */
    private ItemAttributes itemAttributes;

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

    // ---------------------------------------------------------------- event and link attributes

    /**
     * @return the setters of the latest event's attributes (a flyweight shared with {@link
     *     #linkAttributes()}: see {@link ItemAttributes}); a setter throws {@link
     *     IllegalStateException} if no event was added
     */
    public ItemAttributes eventAttributes() {
        return itemAttributes().of(this, EVENT);
    }

    /**
     * @return the setters of the latest link's attributes (a flyweight shared with {@link
     *     #eventAttributes()}: see {@link ItemAttributes}); a setter throws {@link
     *     IllegalStateException} if no link was added
     */
    public ItemAttributes linkAttributes() {
        return itemAttributes().of(this, LINK);
    }

    private ItemAttributes itemAttributes() {
        ItemAttributes setters = itemAttributes;
        if (setters == null) {
            itemAttributes = setters = new ItemAttributes();
        }
        return setters;
    }

    @Override
    boolean acceptsAttributes(int target) {
        if (target == EVENT) {
            if (get(EVENT_COUNT) == 0 && get(DROPPED_EVENTS) == 0) {
                throw refusedOutOfOrder("an event attribute before addEvent(...)");
            }
            return !bit(LATEST_EVENT_DROPPED); // a dropped event's attributes go with it
        } else if (target == LINK) {
            if (get(LINK_COUNT) == 0 && get(DROPPED_LINKS) == 0) {
                throw refusedOutOfOrder("a link attribute before addLink(...)");
            }
            return !bit(LATEST_LINK_DROPPED); // a dropped link's attributes go with it
        }
        return true;
    }
}
