package io.ringtrace.codec;

import static io.ringtrace.codec.SpanSlot.ATTRIBUTE_COUNT;
import static io.ringtrace.codec.SpanSlot.ATTRIBUTE_END;
import static io.ringtrace.codec.SpanSlot.CAPACITY;
import static io.ringtrace.codec.SpanSlot.DROPPED_ATTRIBUTES;
import static io.ringtrace.codec.SpanSlot.EVENT_COUNT;
import static io.ringtrace.codec.SpanSlot.EVENT_END;
import static io.ringtrace.codec.SpanSlot.EVENT_PREFIX_BYTES;
import static io.ringtrace.codec.SpanSlot.HEADER_BYTES;
import static io.ringtrace.codec.SpanSlot.KEYS_SEEN;
import static io.ringtrace.codec.SpanSlot.LATEST_EVENT_ATTRIBUTES;
import static io.ringtrace.codec.SpanSlot.LATEST_EVENT_DROPPED;
import static io.ringtrace.codec.SpanSlot.LATEST_EVENT_START;
import static io.ringtrace.codec.SpanSlot.LATEST_LINK_ATTRIBUTES;
import static io.ringtrace.codec.SpanSlot.LATEST_LINK_DROPPED;
import static io.ringtrace.codec.SpanSlot.LATEST_LINK_START;
import static io.ringtrace.codec.SpanSlot.LINK_COUNT;
import static io.ringtrace.codec.SpanSlot.LINK_END;
import static io.ringtrace.codec.SpanSlot.LINK_PREFIX_BYTES;
import static io.ringtrace.codec.SpanSlot.OVERFLOW_INDEX;
import static io.ringtrace.codec.SpanSlot.PREFIX_BODY_LENGTH;
import static io.ringtrace.codec.SpanSlot.PREFIX_DROPPED;
import static io.ringtrace.codec.SpanSlot.STATE_BITS;
import static io.ringtrace.codec.SpanSlot.TEXT_END;
import static io.ringtrace.codec.SpanSlot.TOO_LARGE;

/**
 * The mechanics of writing a span in the {@link SpanSlot} format: header fields, the four regions
 * and how a write into one of them makes room, the one write path for attributes of every value
 * kind (span, event and link attributes alike), and the move into an overflow buffer. {@link
 * SpanRecord} is its public face. Everything lives in the bytes; the object holds where they are.
 */
abstract class SpanSlotWriter {

    static final int TEXT = 0;
    static final int ATTRIBUTES = 1;
    static final int EVENTS = 2;
    static final int LINKS = 3;

    /** Attribute targets. */
    static final int SPAN = 0;
    static final int EVENT = 1;
    static final int LINK = 2;

    /** Value kinds of the attribute write path. */
    static final int STRING = 0;
    static final int LONG = 1;
    static final int DOUBLE = 2;
    static final int BOOLEAN = 3;
    static final int BYTES = 4;
    static final int STRING_ARRAY = 5;
    static final int LONG_ARRAY = 6;
    static final int DOUBLE_ARRAY = 7;
    static final int BOOLEAN_ARRAY = 8;
    static final int BYTES_ARRAY = 9;

    /** {@code Span.attributes} (9, LEN), {@code Event.attributes} (3, LEN), {@code Link.attributes} (4, LEN). */
    private static final int[] ATTRIBUTE_TAGS = {0x4A, 0x1A, 0x22};

    final SpanLimits limits;
    /** Where the span lives when it has not overflowed: its slot, or the record's own array. */
    private final byte[] homeArea;
    private final int homeBase;
    private final int homeCapacity;
    /** Where more room comes from when the span outgrows its slot; null: never outgrows it. */
    private final SpanOverflow overflow;

    /**
     * Where the span lives now: the home slot, or an overflow buffer (then at 0, all of it). Only
     * these two fields change; the object is kept small because a ring holds one per slot. They are
     * stored only when they change ({@link #goHome()}): the flyweights of neighbouring slots share
     * cache lines that the serializer reads while producers fill the next slots, and a reference
     * store also costs a GC card mark, so a store per span would cost a cross-core line transfer.
     */
    byte[] area;
    int base;
    /**
     * Whether this writer pointed its home slot at an overflow buffer since it last looked. The
     * reader gives a buffer back and clears the slot's pointer itself, so a set flag only means
     * "look": the slot's header is read only then. Reading it on every reset would stall the
     * producer on a line the serializer last touched (a load miss, where the writes that follow
     * only queue in the store buffer). Written by whichever producer holds the slot; the ring's
     * publish-consume-claim chain orders one holder's writes before the next holder's reads.
     */
    private boolean pointedAtOverflow;

    SpanSlotWriter(SpanLimits limits, byte[] area, int base, int capacity, SpanOverflow overflow) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        if (area == null || base < 0 || capacity < HEADER_BYTES || base > area.length - capacity) {
            throw new IllegalArgumentException("slot [" + base + ", +" + capacity + ") outside its area");
        }
        if (overflow == null && capacity < SpanSlot.maxSpanBytes(limits)) {
            throw new IllegalArgumentException("a slot of " + capacity + " bytes without overflow buffers needs "
                    + SpanSlot.maxSpanBytes(limits) + " bytes for these limits");
        }
        this.limits = limits;
        this.homeArea = area;
        this.homeBase = base;
        this.homeCapacity = capacity;
        this.overflow = overflow;
        this.area = area;
        this.base = base;
        SpanSlot.clear(area, base);
        set(CAPACITY, capacity);
    }

    /** @return the bytes from {@link #base} the span may use: its slot's, or the whole overflow buffer */
    final int capacity() {
        return area == homeArea ? homeCapacity : area.length;
    }

    /**
     * Gives back the overflow buffer the home slot still points at: one this writer claimed for a
     * span that was never read (a span that was read had its buffer returned and the pointer
     * cleared by its reader).
     */
    private void releaseHeld() {
        if (pointedAtOverflow) {
            pointedAtOverflow = false;
            int index = SpanSlot.overflowIndex(homeArea, homeBase);
            if (index >= 0) {
                SpanSlot.overflowIndex(homeArea, homeBase, -1);
                overflow.release(index);
            }
        }
    }

    /** Points the writer at its home slot, storing a field only if it moved (see {@link #area}). */
    private void goHome() {
        if (area != homeArea) {
            area = homeArea;
        }
        if (base != homeBase) {
            base = homeBase;
        }
    }

    /** Empties the span and points the writer at its home slot. */
    final void clearHome() {
        releaseHeld();
        goHome();
        SpanSlot.clear(area, base);
        set(CAPACITY, homeCapacity);
    }

    /**
     * Makes the home slot hold a copy of the span in {@code src} at {@code srcBase}, {@code used}
     * bytes: in the slot if it fits, else in an overflow buffer the slot points at, else (none
     * free) an empty slot marked too large.
     */
    final void copyHome(byte[] src, int srcBase, int used) {
        releaseHeld();
        goHome();
        if (used <= homeCapacity) {
            System.arraycopy(src, srcBase, area, base, used);
            set(CAPACITY, homeCapacity);
            set(OVERFLOW_INDEX, -1);
            return;
        }
        int index = overflow == null ? -1 : overflow.claim();
        if (index < 0) {
            clearHome();
            area[base + STATE_BITS] |= TOO_LARGE;
            return;
        }
        moveInto(index, src, srcBase, used);
    }

    /**
     * Copies {@code used} bytes of a span from {@code src} into overflow buffer {@code index}
     * (claimed by the caller), points the home slot at it and the writer into it.
     */
    private void moveInto(int index, byte[] src, int srcBase, int used) {
        byte[] buffer = overflow.buffer(index);
        System.arraycopy(src, srcBase, buffer, 0, used);
        SpanSlot.overflowIndex(homeArea, homeBase, index); // the slot points at its span
        pointedAtOverflow = true;
        area = buffer;
        base = 0;
        set(CAPACITY, buffer.length);
        set(OVERFLOW_INDEX, -1);
    }

    // ---------------------------------------------------------------- header fields

    final int get(int field) {
        return SpanSlot.getInt(area, base + field);
    }

    final void set(int field, int value) {
        SpanSlot.putInt(area, base + field, value);
    }

    final long getLong(int field) {
        return SpanSlot.getLong(area, base + field);
    }

    final void setLong(int field, long value) {
        SpanSlot.putLong(area, base + field, value);
    }

    final boolean bit(int bit) {
        return (area[base + STATE_BITS] & bit) != 0;
    }

    final void bit(int bit, boolean on) {
        int i = base + STATE_BITS;
        area[i] = (byte) (on ? area[i] | bit : area[i] & ~bit);
    }

    final void increment(int field) {
        set(field, get(field) + 1);
    }

    // ---------------------------------------------------------------- regions

    /** @return where region {@code r} ends (relative to the span's start) */
    final int end(int r) {
        return get(TEXT_END + 4 * r);
    }

    final int start(int r) {
        return r == TEXT ? HEADER_BYTES : end(r - 1);
    }

    /** @return the budget's end for region {@code r}: its start plus its byte budget plus its prefixes */
    private int budgetEnd(int r) {
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

    /** @return the bytes region {@code r} may still grow by, within its byte budget */
    final int room(int r) {
        return budgetEnd(r) - end(r);
    }

    /**
     * Adds {@code delta} to the ends of regions {@code r} and after, and to the latest event's and
     * link's starts that lie at or after {@code from} (they moved with the bytes behind {@code from}).
     */
    private void shifted(int r, int from, int delta) {
        for (int i = r; i <= LINKS; i++) {
            set(TEXT_END + 4 * i, end(i) + delta);
        }
        if (get(EVENT_COUNT) > 0 && get(LATEST_EVENT_START) >= from && r < EVENTS) {
            set(LATEST_EVENT_START, get(LATEST_EVENT_START) + delta);
        }
        if (get(LINK_COUNT) > 0 && get(LATEST_LINK_START) >= from && r < LINKS) {
            set(LATEST_LINK_START, get(LATEST_LINK_START) + delta);
        }
    }

    /**
     * Opens {@code n} bytes at the end of region {@code r}, moving what follows it, moving the span
     * into an overflow buffer first if its slot is too small.
     *
     * @return the absolute position of the gap in {@link #area}, or -1 if there is no room (the
     *     span is then marked too large)
     */
    final int reserve(int r, int n) {
        int used = get(LINK_END);
        if (n > capacity() - used && !grow()) {
            return -1;
        }
        int at = end(r);
        System.arraycopy(area, base + at, area, base + at + n, used - at);
        shifted(r, at, n);
        return base + at;
    }

    /** Removes {@code [from, to)} (relative) from region {@code r}, moving what follows it. */
    final void cut(int r, int from, int to) {
        int used = get(LINK_END);
        System.arraycopy(area, base + to, area, base + from, used - to);
        shifted(r, to, from - to);
    }

    /**
     * Moves the span into an overflow buffer of {@link SpanSlot#maxSpanBytes(SpanLimits)} or more
     * bytes; the home slot then points at it.
     *
     * @return false if the span is already there or no buffer is free (the span is then marked too
     *     large and will be dropped, never sent cut)
     */
    private boolean grow() {
        if (area == homeArea && base == homeBase && overflow != null && !bit(TOO_LARGE)) {
            int index = overflow.claim();
            if (index >= 0) {
                moveInto(index, area, base, get(LINK_END));
                return true;
            }
        }
        bit(TOO_LARGE, true);
        return false;
    }

    // ---------------------------------------------------------------- attributes: one write path

    /**
     * Adds (or replaces) one attribute of {@code target}: the arguments are already checked, and
     * {@code key} is not null. {@code value} holds the reference value (text, array, bytes), {@code
     * number} a long or boolean, {@code real} a double; {@code offset} and {@code count} the slice.
     */
    final void putAttribute(int target, Utf8Constant key, int kind, Object value, long number, double real,
                            int offset, int count) {
        if (target == SPAN && appendedSpanAttribute(key, kind, value, number, real, offset, count)) {
            return;
        }
        int region = target == SPAN ? ATTRIBUTES : target == EVENT ? EVENTS : LINKS;
        int countField = target == SPAN ? ATTRIBUTE_COUNT : target == EVENT ? LATEST_EVENT_ATTRIBUTES : LATEST_LINK_ATTRIBUTES;
        int prefix = target == EVENT ? get(LATEST_EVENT_START) : target == LINK ? get(LATEST_LINK_START) : -1;
        int from = target == SPAN ? start(ATTRIBUTES) : attributesStart(target, prefix);
        int removed = removeKey(region, from, key);
        if (removed > 0) { // the key was set before: the new value replaces it
            set(countField, get(countField) - 1);
            if (prefix >= 0) {
                set(prefix + PREFIX_BODY_LENGTH, get(prefix + PREFIX_BODY_LENGTH) - removed);
            }
        }
        int max = target == SPAN ? limits.maxAttributes()
                : target == EVENT ? limits.maxAttributesPerEvent() : limits.maxAttributesPerLink();
        if (get(countField) >= max) {
            droppedAttribute(target, prefix);
            return;
        }
        while (true) {
            int used = get(LINK_END);
            int at = end(region);
            int tail = used - at;
            int top = capacity() - tail;
            System.arraycopy(area, base + at, area, base + top, tail); // park what follows at the top
            int budget = budgetEnd(region);
            int limit = Math.min(budget, top);
            int written = put(kind, area, base + at, base + limit, ATTRIBUTE_TAGS[target], key, value, number, real, offset, count);
            written = written < 0 ? 0 : written - base - at;
            System.arraycopy(area, base + top, area, base + at + written, tail); // and back behind the value
            if (written > 0) {
                shifted(region, at, written);
                set(countField, get(countField) + 1);
                if (target == SPAN) {
                    setLong(KEYS_SEEN, getLong(KEYS_SEEN) | key.keyBit());
                }
                if (prefix >= 0) {
                    set(prefix + PREFIX_BODY_LENGTH, get(prefix + PREFIX_BODY_LENGTH) + written);
                }
                return;
            }
            if (budget <= top) { // over its byte budget: dropped and counted
                droppedAttribute(target, prefix);
                return;
            }
            if (!grow()) { // over the slot, under the budget, no overflow buffer: the span is too large
                return;
            }
        }
    }

    /**
     * The usual case on its own short path: a span attribute whose key the span cannot hold yet
     * (its keys-seen bit is clear), appended while no event or link follows the attributes, within
     * the count limit, the byte budget and the slot. Nothing to scan, nothing to move.
     *
     * @return false if this is not that case or the value did not fit: the general path then
     *     decides (it rewrites whatever this one left past the used bytes)
     */
    private boolean appendedSpanAttribute(Utf8Constant key, int kind, Object value, long number, double real,
                                          int offset, int count) {
        long seen = getLong(KEYS_SEEN);
        long bit = key.keyBit();
        int at = get(ATTRIBUTE_END);
        int attributes = get(ATTRIBUTE_COUNT);
        if ((seen & bit) != 0 || at != get(LINK_END) || attributes >= limits.maxAttributes()) {
            return false;
        }
        int limit = Math.min(get(TEXT_END) + limits.attributeBytes(), capacity());
        int written = put(kind, area, base + at, base + limit, ATTRIBUTE_TAGS[SPAN], key, value, number, real, offset, count);
        if (written < 0) {
            return false;
        }
        int end = written - base;
        set(ATTRIBUTE_END, end);
        set(EVENT_END, end);
        set(LINK_END, end);
        set(ATTRIBUTE_COUNT, attributes + 1);
        setLong(KEYS_SEEN, seen | bit);
        return true;
    }

    private void droppedAttribute(int target, int prefix) {
        if (target == SPAN) {
            increment(DROPPED_ATTRIBUTES);
        } else {
            set(prefix + PREFIX_DROPPED, get(prefix + PREFIX_DROPPED) + 1);
        }
    }

    private static int put(int kind, byte[] a, int pos, int limit, int tag, Utf8Constant key, Object value,
                           long number, double real, int offset, int count) {
        switch (kind) {
            case STRING:
                return KeyValueWire.putString(a, pos, limit, tag, key, (CharSequence) value);
            case LONG:
                return KeyValueWire.putLong(a, pos, limit, tag, key, number);
            case DOUBLE:
                return KeyValueWire.putDouble(a, pos, limit, tag, key, real);
            case BOOLEAN:
                return KeyValueWire.putBoolean(a, pos, limit, tag, key, number != 0);
            case BYTES:
                return KeyValueWire.putBytes(a, pos, limit, tag, key, (byte[]) value, offset, count);
            case STRING_ARRAY:
                return KeyValueWire.putStringArray(a, pos, limit, tag, key, (CharSequence[]) value, count);
            case LONG_ARRAY:
                return KeyValueWire.putLongArray(a, pos, limit, tag, key, (long[]) value, count);
            case DOUBLE_ARRAY:
                return KeyValueWire.putDoubleArray(a, pos, limit, tag, key, (double[]) value, count);
            case BOOLEAN_ARRAY:
                return KeyValueWire.putBooleanArray(a, pos, limit, tag, key, (boolean[]) value, count);
            default:
                return KeyValueWire.putBytesArray(a, pos, limit, tag, key, (byte[][]) value);
        }
    }

    /**
     * @return where the attributes of the latest event or link begin (relative): after its prefix
     *     and the fields in front of them (event: time, name; link: ids, trace state)
     */
    private int attributesStart(int target, int prefix) {
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

    /**
     * Removes the attribute with {@code key} from {@code [from, end(region))}, if there, moving
     * what follows it.
     *
     * @return the bytes removed, 0 if the key was not there
     */
    private int removeKey(int region, int from, Utf8Constant key) {
        final byte[] a = area;
        final byte[] k = key.utf8();
        int end = base + end(region);
        int pos = base + from;
        while (pos < end) {
            int fieldStart = pos;
            pos++; // the field tag: one byte in every attribute context
            int length = 0;
            for (int shift = 0; ; shift += 7) { // KeyValue length varint
                byte b = a[pos++];
                length |= (b & 0x7F) << shift;
                if (b >= 0) {
                    break;
                }
            }
            int fieldEnd = pos + length;
            int keyLength = 0;
            if (a[pos] == 0x0A) { // KeyValue.key; absent when the key is empty
                pos++;
                for (int shift = 0; ; shift += 7) {
                    byte b = a[pos++];
                    keyLength |= (b & 0x7F) << shift;
                    if (b >= 0) {
                        break;
                    }
                }
            }
            if (keyLength == k.length && java.util.Arrays.equals(a, pos, pos + keyLength, k, 0, keyLength)) {
                cut(region, fieldStart - base, fieldEnd - base);
                return fieldEnd - fieldStart;
            }
            pos = fieldEnd;
        }
        return 0;
    }
}
