package io.ringtrace.codec;

/**
 * A bench-only reference: the bytes the logger API writes for the bench's typical log record (its
 * level's prepared start, one time for both timestamps, a string body, two string attributes),
 * written straight through with no check at all: no limits, no room test, no key filter lookup,
 * ASCII values and one-byte lengths assumed (held only by the test that compares both writers'
 * bytes). It is what no writer of {@link LogSlot}'s format can undercut on the machine at hand, so
 * {@code LogSlotFillBenchmark} shows how much of the writer's cost is the format and how much is its
 * checks and bookkeeping. Not a writer anyone should use.
 */
public final class LogFillFloor {

    private static final byte BODY = 0x2A; // LogRecord.body (5, LEN)
    private static final byte KEY_VALUE = 0x32; // LogRecord.attributes (6, LEN)
    private static final byte VALUE = 0x12; // KeyValue.value (2, LEN)
    private static final byte STRING = 0x0A; // AnyValue.string_value (1, LEN)

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
        p = stringValue(a, p, body);
        SlotFormat.putInt(a, base + LogSlot.BODY_END, p - base);
        p = string(a, p, key1, value1);
        p = string(a, p, key2, value2);

        int used = p - base;
        SlotFormat.putInt(a, base + LogSlot.ATTRIBUTE_END, used);
        SlotFormat.putInt(a, base + LogSlot.ATTRIBUTE_COUNT, 2);
        SlotFormat.putLong(a, base + LogSlot.KEYS_SEEN, key1.keyBit() | key2.keyBit());
        return used;
    }

    /** A KeyValue field: tag and length, the key, the value's tag and length, the AnyValue. */
    private static int string(byte[] a, int p, Utf8Constant key, String value) {
        byte[] keyField = key.keyField();
        a[p++] = KEY_VALUE;
        a[p++] = (byte) (keyField.length + 1 + 1 + 2 + value.length());
        System.arraycopy(keyField, 0, a, p, keyField.length);
        p += keyField.length;
        a[p++] = VALUE;
        return stringValue(a, p, value);
    }

    /** An AnyValue's length and its string member: {@code 2 + n} bytes of AnyValue follow the length. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each (ASCII) char
    private static int stringValue(byte[] a, int p, String value) {
        int n = value.length();
        a[p++] = (byte) (2 + n);
        a[p++] = STRING;
        a[p++] = (byte) n;
        value.getBytes(0, n, a, p);
        return p + n;
    }
}
