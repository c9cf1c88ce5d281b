package io.ringtrace.codec;

/**
 * The open end of one log record while one thread fills it: where its next body or attribute field
 * goes, and the bookkeeping those appends change (the body's end, the attribute count, the keys
 * seen), kept in this object instead of the record's header until {@link #close()} writes them
 * there. One per thread (the logger API's builder holds one), reused for every record.
 *
 * <p>Why: the record's own short appends read and write those header fields for every value, each
 * access a checked load or store into the slot array; here they are plain fields of a thread's
 * own object. That keeps the usual append (an ASCII string or a scalar, a key not set before,
 * within the limits) small enough for the JIT to compile into its caller.
 *
 * <p>While the tail is open, the record's header does not hold its body end, attribute end,
 * attribute count or keys seen: call {@link #close()} before any other call on the record, and
 * before handing it over. An append this tail does not take (a repeated key, a value that is not
 * a short ASCII string, a limit reached) returns false and writes nothing the record counts: the
 * caller then closes the tail and makes the same call on the record, which decides.
 */
public final class LogRecordTail {

    /**
     * The slot array the tail writes into: one plain load per append, and nothing stored per
     * record. Released (null) when its engine closes; a record in any other array (its own, an
     * overflow buffer) does not open the tail.
     */
    private final SlotArea slots;
    /** Where the record starts in the slot array. */
    private int base;
    /** Absolute: where the next field goes (the used bytes' end); -1: closed. */
    private int at = -1;
    /** Absolute: where the texts end and the body starts. */
    private int textEnd;
    /** Absolute: where the body ends and the attributes start. */
    private int bodyEnd;
    /** Absolute: how far the record may reach in the slot array: its slot's end. */
    private int capacityEnd;
    /** Absolute: how far the attributes may reach: their byte budget from their start, within the capacity. */
    private int attributeLimit;
    private int bodyBytes;
    private int attributeBytes;
    private int maxAttributes;
    private int attributeCount;
    private long keysSeen;

    /**
     * @param slots the slot array of the ring whose records this tail fills; not null
     * @throws IllegalArgumentException if null
     */
    public LogRecordTail(SlotArea slots) {
        if (slots == null) {
            throw new IllegalArgumentException("slots must not be null");
        }
        this.slots = slots;
    }

    /**
     * Opens the tail over a record just started (no body, no attribute), if it lies in the tail's
     * slot array; otherwise the tail stays closed and the record's own setters do everything.
     * Called by {@link LogRecordWriter#start(LogRecordStart, long, LogRecordTail)}.
     */
    void open(byte[] area, int base, int used, int capacity, LogLimits limits) {
        if (area != slots.bytes()) {
            at = -1;
            return;
        }
        this.base = base;
        int end = base + used;
        at = end;
        textEnd = end;
        bodyEnd = end;
        capacityEnd = base + capacity;
        bodyBytes = limits.bodyBytes();
        attributeBytes = limits.attributeBytes();
        maxAttributes = limits.maxAttributes();
        attributeLimit = Math.min(end + attributeBytes, capacityEnd);
        attributeCount = 0;
        keysSeen = 0;
    }

    /** @return whether a record is open in this tail: its header's bookkeeping is here */
    public boolean isOpen() {
        return at >= 0;
    }

    /**
     * Appends the record's body, if it has none and no attribute yet and the value is a short
     * ASCII {@code String} within the body budget.
     *
     * @param value the body; null is not taken
     * @return whether it was appended; false: nothing changed, the record decides
     */
    public boolean body(CharSequence value) {
        int start = at;
        byte[] area = slots.bytes();
        if (start < 0 || start != textEnd || area == null || !(value instanceof String s)) {
            return false;
        }
        int end = KeyValueWire.putShortAsciiValue(area, start, Math.min(start + bodyBytes, capacityEnd),
                LogRecordWriter.BODY_TAG, s);
        if (end < 0) {
            return false;
        }
        at = end;
        bodyEnd = end;
        attributeLimit = Math.min(end + attributeBytes, capacityEnd);
        return true;
    }

    /**
     * Appends a string attribute whose key the record does not hold yet, if the value is a short
     * ASCII {@code String} and the count and byte limits allow it.
     *
     * @param key pre-encoded; not null
     * @param value the value; null is not taken
     * @return whether it was appended; false: nothing changed, the record decides
     */
    public boolean attribute(Utf8Constant key, CharSequence value) {
        long bit = key.keyBit();
        int start = attributeAt(bit);
        byte[] area = slots.bytes();
        if (start < 0 || area == null || !(value instanceof String s)) {
            return false;
        }
        int end = KeyValueWire.putShortAsciiAttribute(area, start, attributeLimit, LogRecordWriter.ATTRIBUTE_TAG, key, s);
        if (end < 0) {
            return false;
        }
        appended(end, bit);
        return true;
    }

    /**
     * Appends a long attribute whose key the record does not hold yet, within the limits.
     *
     * @param key pre-encoded; not null
     * @param value the value
     * @return whether it was appended; false: nothing changed, the record decides
     */
    public boolean attribute(Utf8Constant key, long value) {
        return scalar(key, AttributeSink.LONG, value);
    }

    /** As {@link #attribute(Utf8Constant, long)}, for a double (its raw bits, as the record writes them). */
    public boolean attribute(Utf8Constant key, double value) {
        return scalar(key, AttributeSink.DOUBLE, Double.doubleToRawLongBits(value));
    }

    /** As {@link #attribute(Utf8Constant, long)}, for a boolean. */
    public boolean attribute(Utf8Constant key, boolean value) {
        return scalar(key, AttributeSink.BOOLEAN, value ? 1 : 0);
    }

    private boolean scalar(Utf8Constant key, int kind, long bits) {
        long bit = key.keyBit();
        int start = attributeAt(bit);
        byte[] area = slots.bytes();
        if (start < 0 || area == null) {
            return false;
        }
        int end = KeyValueWire.putScalar(area, start, attributeLimit, LogRecordWriter.ATTRIBUTE_TAG, key, kind, bits);
        if (end < 0) {
            return false;
        }
        appended(end, bit);
        return true;
    }

    /**
     * @return where an attribute whose key has keys-seen {@code bit} may be appended (absolute), or
     *     -1: the tail is closed, the record may hold the key already, or the count is at its limit
     */
    private int attributeAt(long bit) {
        return (keysSeen & bit) != 0 || attributeCount >= maxAttributes ? -1 : at;
    }

    private void appended(int end, long bit) {
        at = end;
        attributeCount++;
        keysSeen |= bit;
    }

    /**
     * Writes the bookkeeping into the record's header and closes the tail; nothing if closed, or if
     * the slot array was released meanwhile (its engine closed: the record is never read).
     */
    public void close() {
        byte[] area = slots.bytes();
        if (at >= 0 && area != null) {
            SlotFormat.putInt(area, base + LogSlot.BODY_END, bodyEnd - base);
            SlotFormat.putInt(area, base + LogSlot.ATTRIBUTE_END, at - base);
            SlotFormat.putInt(area, base + LogSlot.ATTRIBUTE_COUNT, attributeCount);
            SlotFormat.putLong(area, base + LogSlot.KEYS_SEEN, keysSeen);
        }
        at = -1;
    }

    @Override
    public String toString() {
        return at < 0 ? "LogRecordTail{closed}" : "LogRecordTail{" + attributeCount + " attributes, " + (at - base) + " bytes}";
    }
}
