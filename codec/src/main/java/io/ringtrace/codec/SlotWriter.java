package io.ringtrace.codec;

import static io.ringtrace.codec.SlotFormat.TOO_LARGE;

/**
 * The mechanics of writing one record in a slot format ({@link SlotFormat}: spans, log records):
 * header fields, the regions and how a write into one of them makes room, the one write path for
 * attributes and values of every kind, and the move into an overflow buffer. Everything lives in
 * the bytes; the object holds where they are. A format's writer adds its regions' byte budgets and
 * its attribute targets (the record itself, and nested items such as a span's events and links).
 */
abstract class SlotWriter<S extends SlotWriter<S>> extends AttributeSink<S> {

    /** The attribute target every format has: the record's own attributes. */
    static final int TOP = 0;

    /** Per nested item (a span's event or link), in front of its body: body length, dropped attribute count. */
    static final int PREFIX_BODY_LENGTH = 0;
    static final int PREFIX_DROPPED = 4;

    /** Where the record lives when it has not overflowed: its slot, or the record's own array. */
    private final byte[] homeArea;
    private final int homeBase;
    private final int homeCapacity;
    /** Where more room comes from when the record outgrows its slot; null: never outgrows it. */
    private final SpanOverflow overflow;

    /**
     * Where the record lives now: the home slot, or an overflow buffer (then at 0, all of it). Only
     * these two fields change; the object is kept small because a ring holds one per slot. They are
     * stored only when they change ({@link #goHome()}): the flyweights of neighbouring slots share
     * cache lines that the serializer reads while producers fill the next slots, and a reference
     * store also costs a GC card mark, so a store per record would cost a cross-core line transfer.
     *
     * <p>{@code area != homeArea} also says that this writer pointed its home slot at an overflow
     * buffer since it last went home. The reader gives a buffer back and clears the slot's pointer
     * itself, so that only means "look": the slot's header is read only then. Reading it on every
     * reset would stall the producer on a line the serializer last touched (a load miss, where the
     * writes that follow only queue in the store buffer). The ring's publish-consume-claim chain
     * orders one holder's writes before the next holder's reads.
     */
    byte[] area;
    int base;
    /**
     * @param maxRecordBytes the most bytes a record within its limits takes in this format: a slot
     *     without overflow buffers must hold that much
     */
    SlotWriter(SlotFormat format, int maxRecordBytes, byte[] area, int base, int capacity, SpanOverflow overflow) {
        if (area == null || base < 0 || capacity < format.headerBytes() || base > area.length - capacity) {
            throw new IllegalArgumentException("slot [" + base + ", +" + capacity + ") outside its area");
        }
        if (overflow == null && capacity < maxRecordBytes) {
            throw new IllegalArgumentException("a slot of " + capacity + " bytes without overflow buffers needs "
                    + maxRecordBytes + " bytes for these limits");
        }
        this.homeArea = area;
        this.homeBase = base;
        this.homeCapacity = capacity;
        this.overflow = overflow;
        this.area = area;
        this.base = base;
        format.clear(area, base);
        set(format.capacity(), capacity);
    }

    /** @return {@code limits}, checked at a record's constructor @throws IllegalArgumentException if null */
    static <T> T requireLimits(T limits) {
        if (limits == null) {
            throw new IllegalArgumentException("limits must not be null");
        }
        return limits;
    }

    // ---------------------------------------------------------------- the format's part

    /**
     * @return the format's layout facts: a method returning the format's constant rather than a
     *     field, since a ring holds one writer per slot and every field costs each slot's object
     */
    abstract SlotFormat format();

    /** @return the budget's end for region {@code r} (relative): where it may grow to */
    abstract int budgetEnd(int r);

    /** Adjusts the format's own pointers into regions {@code r} and after that moved by {@code delta} from {@code from}. */
    void shiftedMarks(int r, int from, int delta) {
    }

    /** @return the region holding {@code target}'s attributes */
    abstract int attributeRegion(int target);

    /** @return the header field counting {@code target}'s attributes */
    abstract int attributeCountField(int target);

    /** @return the prefix (relative) of the nested item {@code target} names, -1 for {@link #TOP} */
    abstract int attributePrefix(int target);

    /** @return where {@code target}'s attributes start (relative) */
    abstract int attributesStart(int target, int prefix);

    /** @return how many attributes {@code target} may hold */
    abstract int maxAttributes(int target);

    /** @return the field tag of {@code target}'s attributes */
    abstract int attributeTag(int target);

    /** @return the byte budget of the top-level attributes */
    abstract int topAttributeBytes();

    /** Counts a dropped attribute of {@code target}. */
    abstract void droppedAttribute(int target, int prefix);

    // ---------------------------------------------------------------- home and overflow

    /** @return the array holding the record now (its slot, or an overflow buffer) */
    final byte[] area() {
        return area;
    }

    /** @return where the record starts in {@link #area()} */
    final int base() {
        return base;
    }

    /** @return the bytes from {@link #base} the record may use: its slot's, or the whole overflow buffer */
    final int capacity() {
        return area == homeArea ? homeCapacity : area.length;
    }

    /**
     * Gives back the overflow buffer the home slot still points at: one this writer claimed for a
     * record that was never read (a record that was read had its buffer returned and the pointer
     * cleared by its reader).
     */
    private void releaseHeld() {
        if (area != homeArea) { // moved into an overflow buffer since the last goHome()
            int index = SlotFormat.getInt(homeArea, homeBase + format().overflowIndex());
            if (index >= 0) {
                SlotFormat.putInt(homeArea, homeBase + format().overflowIndex(), -1);
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

    /** Clears the record for reuse: back in its home slot, every field to its default. */
    final void clearHome() {
        releaseHeld();
        goHome();
        format().clear(area, base);
        set(format().capacity(), homeCapacity);
    }

    /**
     * Makes the home slot hold a copy of the record in {@code src} at {@code srcBase}, {@code used}
     * bytes: in the slot if it fits, else in an overflow buffer the slot points at, else (none
     * free) an empty slot marked too large.
     */
    final void copyHome(byte[] src, int srcBase, int used) {
        releaseHeld();
        goHome();
        if (used <= homeCapacity) {
            System.arraycopy(src, srcBase, area, base, used);
            set(format().capacity(), homeCapacity);
            set(format().overflowIndex(), -1);
            return;
        }
        int index = overflow == null ? -1 : overflow.claim();
        if (index < 0) {
            clearHome();
            area[base + format().stateBits()] |= TOO_LARGE;
            return;
        }
        moveInto(index, src, srcBase, used);
    }

    /**
     * Copies {@code used} bytes of a record from {@code src} into overflow buffer {@code index}
     * (claimed by the caller), points the home slot at it and the writer into it.
     */
    private void moveInto(int index, byte[] src, int srcBase, int used) {
        byte[] buffer = overflow.buffer(index);
        System.arraycopy(src, srcBase, buffer, 0, used);
        SlotFormat.putInt(homeArea, homeBase + format().overflowIndex(), index); // the slot points at its record
        area = buffer;
        base = 0;
        set(format().capacity(), buffer.length);
        set(format().overflowIndex(), -1);
    }

    /**
     * Moves the record into an overflow buffer (at least the format's largest record); the home
     * slot then points at it.
     *
     * @return false if the record is already there or no buffer is free (it is then marked too
     *     large and will be dropped, never sent cut)
     */
    final boolean grow() {
        if (area == homeArea && base == homeBase && overflow != null && !bit(TOO_LARGE)) {
            int index = overflow.claim();
            if (index >= 0) {
                moveInto(index, area, base, usedBytes());
                return true;
            }
        }
        bit(TOO_LARGE, true);
        return false;
    }

    // ---------------------------------------------------------------- header fields

    final int get(int field) {
        return SlotFormat.getInt(area, base + field);
    }

    final void set(int field, int value) {
        SlotFormat.putInt(area, base + field, value);
    }

    final long getLong(int field) {
        return SlotFormat.getLong(area, base + field);
    }

    final void setLong(int field, long value) {
        SlotFormat.putLong(area, base + field, value);
    }

    final boolean bit(int bit) {
        return (area[base + format().stateBits()] & bit) != 0;
    }

    final void bit(int bit, boolean on) {
        int i = base + format().stateBits();
        area[i] = (byte) (on ? area[i] | bit : area[i] & ~bit);
    }

    final void increment(int field) {
        set(field, get(field) + 1);
    }

    /** @return the bytes the record takes in its format: what a copy of it moves */
    public final int usedBytes() {
        return get(format().usedBytesField());
    }

    // ---------------------------------------------------------------- regions

    /** @return where region {@code r} ends (relative to the record's start) */
    final int end(int r) {
        return get(format().regionEnds() + 4 * r);
    }

    final int start(int r) {
        return r == 0 ? format().headerBytes() : end(r - 1);
    }

    /** @return the bytes region {@code r} may still grow by, within its byte budget */
    final int room(int r) {
        return budgetEnd(r) - end(r);
    }

    /**
     * The usual case of a value written into an empty region that nothing follows (a log record's
     * body set before its attributes), on its own short path: appended at the used bytes within the
     * region's byte budget and the slot, with nothing to park, move back or scan.
     *
     * @return false if this is not that case or the value did not fit: the general path ({@link
     *     #write}) then decides (it rewrites whatever this one left past the used bytes)
     */
    final boolean appendedToEmptyTail(int region, int tag, int kind, Object value, long number, int offset,
                                      int count) {
        int at = end(region);
        if (at != start(region) || at != usedBytes()) {
            return false;
        }
        int limit = base + Math.min(budgetEnd(region), capacity());
        int written = KeyValueWire.put(kind, area, base + at, limit, tag, null, value, number, offset, count);
        if (written < 0) {
            return false;
        }
        shifted(region, at, written - base - at);
        return true;
    }

    /** Adds {@code delta} to the ends of regions {@code r} and after (the bytes behind {@code from} moved). */
    private void shifted(int r, int from, int delta) {
        for (int i = r; i <= format().lastRegion(); i++) {
            set(format().regionEnds() + 4 * i, end(i) + delta);
        }
        shiftedMarks(r, from, delta);
    }

    /**
     * Opens {@code n} bytes at the end of region {@code r}, moving what follows it, moving the
     * record into an overflow buffer first if its slot is too small.
     *
     * @return the absolute position of the gap in {@link #area}, or -1 if there is no room (the
     *     record is then marked too large)
     */
    final int reserve(int r, int n) {
        int used = usedBytes();
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
        int used = usedBytes();
        System.arraycopy(area, base + to, area, base + from, used - to);
        shifted(r, to, from - to);
    }

    // ---------------------------------------------------------------- attributes and values: one write path

    /**
     * Adds (or replaces) one attribute of {@code target}: the arguments are already checked, and
     * {@code key} is not null. {@code value} holds the reference value (text, array, bytes), {@code
     * number} a long, a boolean (1 or 0) or a double's raw bits; {@code offset} and {@code count}
     * the slice.
     */
    final void putAttribute(int target, Utf8Constant key, int kind, Object value, long number,
                            int offset, int count) {
        if (target == TOP && appendedTopAttribute(key, kind, value, number, offset, count)) {
            return;
        }
        int region = attributeRegion(target);
        int countField = attributeCountField(target);
        int prefix = attributePrefix(target);
        int removed = removeKey(region, attributesStart(target, prefix), key);
        if (removed > 0) { // the key was set before: the new value replaces it
            set(countField, get(countField) - 1);
            if (prefix >= 0) {
                set(prefix + PREFIX_BODY_LENGTH, get(prefix + PREFIX_BODY_LENGTH) - removed);
            }
        }
        if (get(countField) >= maxAttributes(target)) {
            droppedAttribute(target, prefix);
            return;
        }
        int written = write(region, attributeTag(target), key, kind, value, number, offset, count);
        if (written > 0) {
            set(countField, get(countField) + 1);
            if (target == TOP) {
                setLong(format().keysSeen(), getLong(format().keysSeen()) | key.keyBit());
            }
            if (prefix >= 0) {
                set(prefix + PREFIX_BODY_LENGTH, get(prefix + PREFIX_BODY_LENGTH) + written);
            }
        } else if (written == 0) {
            droppedAttribute(target, prefix);
        }
    }

    /**
     * Appends one field to region {@code region}: a {@code KeyValue} under {@code tag}, or (key
     * null) the value itself as an {@code AnyValue} field.
     *
     * @return the bytes written; 0 if it passes the region's byte budget (nothing written); -1 if
     *     it is within the budget but the record is too large for its slot and no overflow buffer
     *     is free (marked too large)
     */
    final int write(int region, int tag, Utf8Constant key, int kind, Object value, long number,
                    int offset, int count) {
        while (true) {
            int used = usedBytes();
            int at = end(region);
            int tail = used - at;
            int top = capacity() - tail;
            System.arraycopy(area, base + at, area, base + top, tail); // park what follows at the top
            int budget = budgetEnd(region);
            int limit = Math.min(budget, top);
            int written = KeyValueWire.put(kind, area, base + at, base + limit, tag, key, value, number, offset, count);
            written = written < 0 ? 0 : written - base - at;
            System.arraycopy(area, base + top, area, base + at + written, tail); // and back behind the value
            if (written > 0) {
                shifted(region, at, written);
                return written;
            }
            if (budget <= top) { // over its byte budget
                return 0;
            }
            if (!grow()) { // over the slot, under the budget, no overflow buffer: the record is too large
                return -1;
            }
        }
    }

    /**
     * The usual case on its own short path: a top-level attribute whose key the record cannot hold
     * yet (its keys-seen bit is clear), appended while nothing follows the attributes, within the
     * count limit, the byte budget and the slot. Nothing to scan, nothing to move. Strings and
     * scalars, most attributes, come in through their own entries with few arguments ({@link
     * #appendedTopText}, {@link #appendedTopScalar}): the general one passes nine.
     *
     * @return false if this is not that case or the value did not fit: the general path then
     *     decides (it rewrites whatever this one left past the used bytes)
     */
    private boolean appendedTopAttribute(Utf8Constant key, int kind, Object value, long number,
                                         int offset, int count) {
        long bit = key.keyBit();
        int at = topAppendAt(bit);
        if (at < 0) {
            return false;
        }
        int written = KeyValueWire.put(kind, area, base + at, topAppendLimit(), attributeTag(TOP), key, value, number, offset, count);
        return written >= 0 && appendedTop(written, bit);
    }

    /** {@link #appendedTopAttribute} for a string value: a short ASCII one checked and copied in one loop. */
    final boolean appendedTopText(Utf8Constant key, CharSequence value) {
        long bit = key.keyBit();
        int at = topAppendAt(bit);
        if (at < 0) {
            return false;
        }
        int limit = topAppendLimit();
        int written = value instanceof String s ? KeyValueWire.putShortAsciiAttribute(area, base + at, limit, attributeTag(TOP), key, s) : -1;
        if (written < 0) {
            written = KeyValueWire.putString(area, base + at, limit, attributeTag(TOP), key, value);
        }
        return written >= 0 && appendedTop(written, bit);
    }

    /** {@link #appendedTopAttribute} for a long, double (raw bits) or boolean (1 or 0) value. */
    final boolean appendedTopScalar(Utf8Constant key, int kind, long bits) {
        long bit = key.keyBit();
        int at = topAppendAt(bit);
        if (at < 0) {
            return false;
        }
        int written = KeyValueWire.putScalar(area, base + at, topAppendLimit(), attributeTag(TOP), key, kind, bits);
        return written >= 0 && appendedTop(written, bit);
    }

    /** @return where a new top-level attribute with keys-seen {@code bit} may be appended (relative), or -1 */
    private int topAppendAt(long bit) {
        final SlotFormat f = format();
        int at = end(f.attributeRegion());
        if ((getLong(f.keysSeen()) & bit) != 0 || at != usedBytes() || get(f.attributeCount()) >= maxAttributes(TOP)) {
            return -1;
        }
        return at;
    }

    /** @return how far (absolute) an appended top-level attribute may reach: its byte budget, within the slot */
    private int topAppendLimit() {
        return base + Math.min(start(format().attributeRegion()) + topAttributeBytes(), capacity());
    }

    /** Records an appended top-level attribute that ends at {@code end} (absolute). @return true */
    private boolean appendedTop(int end, long bit) {
        final SlotFormat f = format();
        int relative = end - base;
        for (int r = f.attributeRegion(); r <= f.lastRegion(); r++) { // the regions behind are empty
            set(f.regionEnds() + 4 * r, relative);
        }
        increment(f.attributeCount());
        setLong(f.keysSeen(), getLong(f.keysSeen()) | bit);
        return true;
    }

    /**
     * Removes the attribute with {@code key} from {@code [from, end(region))}, if there, moving
     * what follows it.
     *
     * @return the bytes removed, 0 if the key was not there
     */
    private int removeKey(int region, int from, Utf8Constant key) {
        int end = base + end(region);
        int fieldStart = KeyValueWire.find(area, base + from, end, key.utf8());
        if (fieldStart < 0) {
            return 0;
        }
        int fieldEnd = KeyValueWire.fieldEnd(area, fieldStart);
        cut(region, fieldStart - base, fieldEnd - base);
        return fieldEnd - fieldStart;
    }
}
