package io.ringtrace.codec;

/**
 * A bench-only reference: the bytes the logger API writes for the bench's typical log record (its
 * level's prepared start, one time for both timestamps, a string body, two string attributes),
 * written straight through with no check at all (with {@link SlotFillFloor}'s string writers): no
 * limits, no room test, no key filter lookup, ASCII values and one-byte lengths assumed (held only
 * by the test that compares both writers' bytes). It is what no writer of {@link LogSlot}'s format can undercut on the machine at hand, so
 * {@code LogSlotFillBenchmark} shows how much of the writer's cost is the format and how much is its
 * checks and bookkeeping. Not a writer anyone should use.
 */
public final class LogFillFloor {

    private static final byte BODY = 0x2A; // LogRecord.body (5, LEN)
    private static final byte KEY_VALUE = 0x32; // LogRecord.attributes (6, LEN)

    private LogFillFloor() {
    }

    /**
     * Writes the typical log record into the slot at {@code base}, as {@link
     * LogRecordWriter#start(LogRecordStart, long)} followed by the body and the two attributes would.
     *
     * @return the bytes the record takes
     */
    public static int fill(byte[] a, int base, int slotBytes, LogRecordStart start, long epochNanos, String body,
                           Utf8Constant key1, String value1, Utf8Constant key2, String value2) {
        byte[] header = start.bytes;
        System.arraycopy(header, 0, a, base, header.length);
        SlotFormat.putInt(a, base + LogSlot.CAPACITY, slotBytes);
        SlotFormat.putInt(a, base + LogSlot.OVERFLOW_INDEX, -1);
        SlotFormat.putLong(a, base + LogSlot.TIME, epochNanos);
        SlotFormat.putLong(a, base + LogSlot.OBSERVED_TIME, epochNanos);

        int p = base + header.length;
        a[p++] = BODY;
        a[p++] = (byte) (2 + body.length()); // the AnyValue's length
        p = SlotFillFloor.stringValue(a, p, body);
        SlotFormat.putInt(a, base + LogSlot.BODY_END, p - base);
        p = SlotFillFloor.string(a, p, KEY_VALUE, key1, value1);
        p = SlotFillFloor.string(a, p, KEY_VALUE, key2, value2);

        int used = p - base;
        SlotFormat.putInt(a, base + LogSlot.ATTRIBUTE_END, used);
        SlotFormat.putInt(a, base + LogSlot.ATTRIBUTE_COUNT, 2);
        SlotFormat.putLong(a, base + LogSlot.KEYS_SEEN, key1.keyBit() | key2.keyBit());
        return used;
    }
}
