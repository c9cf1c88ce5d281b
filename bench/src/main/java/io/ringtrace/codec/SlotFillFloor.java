package io.ringtrace.codec;

/**
 * A bench-only reference: the bytes {@link SpanRecord} writes for the bench's typical span (ids,
 * given times, name, kind, two string, one long and one boolean attribute), written straight
 * through with no check at all: no limits, no room test, no key filter lookup, ASCII values and
 * one-byte lengths assumed (held only by the test that compares both writers' bytes). It is what no writer of
 * {@link SpanSlot}'s format can undercut on the machine at hand, so {@code SlotFillBenchmark} shows
 * how much of the writer's cost is the format and how much is its checks and bookkeeping. Not a
 * writer anyone should use.
 */
public final class SlotFillFloor {

    private static final byte KEY_VALUE = 0x4A; // Span.attributes (9, LEN)
    private static final byte VALUE = 0x12; // KeyValue.value (2, LEN)
    private static final byte STRING = 0x0A; // AnyValue.string_value (1, LEN)
    private static final byte BOOL = 0x10; // AnyValue.bool_value (2, VARINT)
    private static final byte INT = 0x18; // AnyValue.int_value (3, VARINT)

    private SlotFillFloor() {
    }

    /**
     * Writes the typical span into the slot at {@code base}, as a reset and the setters of {@link
     * SpanRecord} would (scope set, flags 1, kind SERVER).
     *
     * @return the bytes the span takes
     */
    public static int fill(byte[] a, int base, int slotBytes, long traceIdHigh, long traceIdLow, long spanId,
                           long start, long end, Utf8Constant name,
                           Utf8Constant key1, String value1, Utf8Constant key2, String value2,
                           Utf8Constant key3, long value3, Utf8Constant key4, boolean value4) {
        SpanSlot.FORMAT.clear(a, base);
        SpanSlot.putInt(a, base + SpanSlot.CAPACITY, slotBytes);
        SpanSlot.putLong(a, base + SpanSlot.TRACE_ID_HIGH, traceIdHigh);
        SpanSlot.putLong(a, base + SpanSlot.TRACE_ID_LOW, traceIdLow);
        SpanSlot.putLong(a, base + SpanSlot.SPAN_ID, spanId);
        SpanSlot.putLong(a, base + SpanSlot.START_EPOCH_NANOS, start);
        SpanSlot.putLong(a, base + SpanSlot.END_EPOCH_NANOS, end);
        SpanSlot.putInt(a, base + SpanSlot.FLAGS, 1);
        a[base + SpanSlot.KIND] = (byte) SpanKind.SERVER;
        a[base + SpanSlot.STATE_BITS] = (byte) SpanSlot.SCOPE_SET;

        int p = base + SpanSlot.HEADER_BYTES;
        byte[] nameBytes = name.utf8();
        System.arraycopy(nameBytes, 0, a, p, nameBytes.length);
        SpanSlot.putInt(a, base + SpanSlot.NAME_OFFSET, SpanSlot.HEADER_BYTES);
        SpanSlot.putInt(a, base + SpanSlot.NAME_LENGTH, nameBytes.length);
        p += nameBytes.length;
        SpanSlot.putInt(a, base + SpanSlot.TEXT_END, p - base);

        p = string(a, p, KEY_VALUE, key1, value1);
        p = string(a, p, KEY_VALUE, key2, value2);
        p = longValue(a, p, key3, value3);
        p = bool(a, p, key4, value4);

        int used = p - base;
        SpanSlot.putInt(a, base + SpanSlot.ATTRIBUTE_END, used);
        SpanSlot.putInt(a, base + SpanSlot.EVENT_END, used);
        SpanSlot.putInt(a, base + SpanSlot.LINK_END, used);
        SpanSlot.putInt(a, base + SpanSlot.ATTRIBUTE_COUNT, 4);
        SpanSlot.putLong(a, base + SpanSlot.KEYS_SEEN, key1.keyBit() | key2.keyBit() | key3.keyBit() | key4.keyBit());
        return used;
    }

    /**
     * A string attribute: the KeyValue field under {@code fieldTag} (the span's or the log record's
     * attributes), its key, and the string AnyValue; shared with {@link LogFillFloor}.
     */
    static int string(byte[] a, int p, int fieldTag, Utf8Constant key, String value) {
        p = keyValueHeader(a, p, fieldTag, key, 2 + value.length());
        return stringValue(a, p, value);
    }

    /** An AnyValue's string member, tag, length and bytes: the {@code 2 + length} bytes after the AnyValue's length. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each (ASCII) char
    static int stringValue(byte[] a, int p, String value) {
        int n = value.length();
        a[p++] = STRING;
        a[p++] = (byte) n;
        value.getBytes(0, n, a, p);
        return p + n;
    }

    private static int longValue(byte[] a, int p, Utf8Constant key, long value) {
        p = keyValueHeader(a, p, KEY_VALUE, key, 1 + WireFormat.varintSize(value));
        a[p++] = INT;
        return WireFormat.putVarint(a, p, value);
    }

    private static int bool(byte[] a, int p, Utf8Constant key, boolean value) {
        p = keyValueHeader(a, p, KEY_VALUE, key, 2);
        a[p++] = BOOL;
        a[p++] = (byte) (value ? 1 : 0);
        return p;
    }

    /** The KeyValue's tag and length, its key, and the value's tag and length: {@code anyValueLength} bytes follow. */
    private static int keyValueHeader(byte[] a, int p, int fieldTag, Utf8Constant key, int anyValueLength) {
        byte[] keyField = key.keyField();
        a[p++] = (byte) fieldTag;
        a[p++] = (byte) (keyField.length + 2 + anyValueLength);
        System.arraycopy(keyField, 0, a, p, keyField.length);
        p += keyField.length;
        a[p++] = VALUE;
        a[p++] = (byte) anyValueLength;
        return p;
    }
}
