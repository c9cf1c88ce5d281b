package io.ringtrace.codec;

import static io.ringtrace.codec.WireFormat.asciiLength;
import static io.ringtrace.codec.WireFormat.lenFieldSize;
import static io.ringtrace.codec.WireFormat.putAscii;
import static io.ringtrace.codec.WireFormat.putFixed64;
import static io.ringtrace.codec.WireFormat.putUtf8;
import static io.ringtrace.codec.WireFormat.putVarint;
import static io.ringtrace.codec.WireFormat.utf8Length;
import static io.ringtrace.codec.WireFormat.varintSize;

/**
 * Encodes one attribute as a complete protobuf field holding a {@code KeyValue}, or one value as a
 * complete field holding an {@code AnyValue} (key {@code null}: a log record's body), into a heap byte
 * arena: {@code tag(field) len [key: 0x0A len utf8] [value: 0x12 len AnyValue]}. The field number
 * is the attribute's context ({@code Span.attributes} = 9, {@code Event.attributes} = 3, {@code
 * Link.attributes} = 4, {@code Resource.attributes} = 1, {@code InstrumentationScope.attributes} =
 * 3), so the encoder later copies the bytes unchanged.
 *
 * <p>Every method writes at {@code pos} and returns the new position, or -1 (nothing written) if
 * the field would pass {@code limit}. Field order and default omission match protobuf-java: an
 * empty key is omitted (proto3 default), the value is always present (it is a message field), and
 * inside {@code AnyValue} the oneof member is always written, even {@code false}, 0 or "".
 * {@link #find} and {@link #fieldEnd} read such fields back, for a writer that replaces a key.
 */
final class KeyValueWire {

    /** {@code KeyValue.value} (2, LEN). */
    private static final byte VALUE = 0x12;
    /** {@code AnyValue.string_value} (1, LEN). */
    private static final byte STRING = 0x0A;
    /** {@code AnyValue.bool_value} (2, VARINT). */
    private static final byte BOOL = 0x10;
    /** {@code AnyValue.int_value} (3, VARINT). */
    private static final byte INT = 0x18;
    /** {@code AnyValue.double_value} (4, I64). */
    private static final byte DOUBLE = 0x21;
    /** {@code AnyValue.array_value} (5, LEN). */
    private static final byte ARRAY = 0x2A;
    /** {@code AnyValue.bytes_value} (7, LEN). */
    private static final byte BYTES = 0x3A;
    /** {@code ArrayValue.values} (1, LEN). */
    private static final byte ARRAY_ELEMENT = 0x0A;

    private KeyValueWire() {}

    /**
     * Writes the field tag, the KeyValue length, the key (its whole field, pre-encoded in the
     * constant) and the value header (tag and AnyValue length); the caller then writes exactly
     * {@code anyValueLength} bytes of AnyValue body. With {@code key} null the field is the AnyValue
     * itself: tag and AnyValue length only. Returns -1 if the whole field does not fit.
     */
    private static int header(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, int anyValueLength) {
        if (key == null) {
            if (lenFieldSize(anyValueLength) > limit - pos) {
                return -1;
            }
            a[pos++] = (byte) fieldTag;
            return putVarint(a, pos, anyValueLength);
        }
        byte[] keyField = key.keyField();
        int keyValueLength = keyField.length + lenFieldSize(anyValueLength);
        if (lenFieldSize(keyValueLength) > limit - pos) {
            return -1;
        }
        a[pos++] = (byte) fieldTag;
        pos = putVarint(a, pos, keyValueLength);
        System.arraycopy(keyField, 0, a, pos, keyField.length);
        pos += keyField.length;
        a[pos++] = VALUE;
        return putVarint(a, pos, anyValueLength);
    }

    static int putString(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, CharSequence value) {
        if (value.length() > limit - pos) {
            return -1; // every char takes at least one byte: cannot fit, and no need to scan a huge value
        }
        int ascii = asciiLength(value); // the usual case: one pass to check, one block to copy
        int n = ascii >= 0 ? ascii : utf8Length(value);
        pos = header(a, pos, limit, fieldTag, key, lenFieldSize(n));
        if (pos < 0) {
            return -1;
        }
        a[pos++] = STRING;
        pos = putVarint(a, pos, n);
        return ascii >= 0 ? putAscii(a, pos, (String) value, n) : putUtf8(a, pos, value);
    }

    /** The most a one-byte length can say: a field shorter than this has every length in one byte. */
    private static final int ONE_BYTE_LENGTH = 0x7F;

    /**
     * {@link #putString} for the usual value, a {@code String} of ASCII chars whose field's lengths
     * each take one byte, for the appends to try first: checking and copying the chars are one loop,
     * and no length needs a varint. The bytes are {@link #putString}'s. This one writes a key-value
     * field, for the attribute appends, whose key is never null; {@link #putShortAsciiValue} a bare
     * value. One entry per shape, with no branch on the key, keeps each small enough for the JIT to
     * inline where it is called. A caller with a {@code CharSequence} that is not a {@code String}
     * goes to {@code putString} itself.
     *
     * @return the new position, or -1 if the value is not ASCII or the field would pass {@code
     *     limit}: {@link #putString} then decides (bytes this one left past {@code pos} are
     *     overwritten)
     */
    static int putShortAsciiAttribute(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, String value) {
        int n = value.length();
        byte[] keyField = key.keyField();
        int fieldLength = keyField.length + 4 + n; // key, VALUE, its length, STRING, its length, the chars
        if (fieldLength > ONE_BYTE_LENGTH || 2 + fieldLength > limit - pos) {
            return -1;
        }
        a[pos] = (byte) fieldTag;
        a[pos + 1] = (byte) fieldLength;
        System.arraycopy(keyField, 0, a, pos + 2, keyField.length);
        pos += 2 + keyField.length;
        a[pos] = VALUE;
        a[pos + 1] = (byte) (2 + n);
        return putAsciiValue(a, pos + 2, value, n);
    }

    /** {@link #putShortAsciiAttribute} of a bare {@code AnyValue} field: the entry of a log body's appends. */
    static int putShortAsciiValue(byte[] a, int pos, int limit, int fieldTag, String value) {
        int n = value.length();
        int fieldLength = 2 + n; // STRING, its length, the chars
        if (fieldLength > ONE_BYTE_LENGTH || 2 + fieldLength > limit - pos) {
            return -1;
        }
        a[pos] = (byte) fieldTag;
        a[pos + 1] = (byte) fieldLength;
        return putAsciiValue(a, pos + 2, value, n);
    }

    /** Writes {@code STRING}, the length {@code n} and the chars, checked for ASCII as they are copied. @return the end, or -1 */
    private static int putAsciiValue(byte[] a, int pos, String s, int n) {
        a[pos++] = STRING;
        a[pos++] = (byte) n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                return -1;
            }
            a[pos + i] = (byte) c;
        }
        return pos + n;
    }

    static int putLong(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, long value) {
        pos = header(a, pos, limit, fieldTag, key, 1 + varintSize(value));
        if (pos < 0) {
            return -1;
        }
        a[pos++] = INT;
        return putVarint(a, pos, value);
    }

    static int putDouble(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, double value) {
        // raw bits, as protobuf-java's writeDoubleNoTag: NaN payloads pass unchanged
        return putDoubleBits(a, pos, limit, fieldTag, key, Double.doubleToRawLongBits(value));
    }

    /** {@link #putDouble} of the double whose raw bits are {@code bits}. */
    static int putDoubleBits(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, long bits) {
        pos = header(a, pos, limit, fieldTag, key, 9);
        if (pos < 0) {
            return -1;
        }
        a[pos++] = DOUBLE;
        return putFixed64(a, pos, bits);
    }

    static int putBoolean(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, boolean value) {
        pos = header(a, pos, limit, fieldTag, key, 2);
        if (pos < 0) {
            return -1;
        }
        a[pos++] = BOOL;
        a[pos++] = (byte) (value ? 1 : 0);
        return pos;
    }

    static int putBytes(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, byte[] value, int offset, int length) {
        pos = header(a, pos, limit, fieldTag, key, lenFieldSize(length));
        if (pos < 0) {
            return -1;
        }
        a[pos++] = BYTES;
        pos = putVarint(a, pos, length);
        System.arraycopy(value, offset, a, pos, length);
        return pos + length;
    }

    /** Header of an array attribute whose ArrayValue body is {@code arrayLength} bytes. */
    private static int arrayHeader(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, int arrayLength) {
        pos = header(a, pos, limit, fieldTag, key, lenFieldSize(arrayLength));
        if (pos < 0) {
            return -1;
        }
        a[pos++] = ARRAY;
        return putVarint(a, pos, arrayLength);
    }

    static int putStringArray(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, CharSequence[] values, int count) {
        long chars = 0;
        for (int i = 0; i < count; i++) {
            chars += values[i].length();
        }
        if (chars > limit - pos) {
            return -1; // cannot fit (see putString)
        }
        long arrayLength = 0;
        for (int i = 0; i < count; i++) {
            arrayLength += lenFieldSize(lenFieldSize(utf8Length(values[i])));
        }
        if (arrayLength > limit - pos) {
            return -1;
        }
        pos = arrayHeader(a, pos, limit, fieldTag, key, (int) arrayLength);
        if (pos < 0) {
            return -1;
        }
        for (int i = 0; i < count; i++) {
            CharSequence v = values[i];
            int n = utf8Length(v);
            a[pos++] = ARRAY_ELEMENT;
            pos = putVarint(a, pos, lenFieldSize(n));
            a[pos++] = STRING;
            pos = putVarint(a, pos, n);
            pos = putUtf8(a, pos, v);
        }
        return pos;
    }

    static int putLongArray(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, long[] values, int count) {
        long arrayLength = 0;
        for (int i = 0; i < count; i++) {
            arrayLength += 2 + 1 + varintSize(values[i]); // element tag, element length (< 128), INT tag, varint
        }
        if (arrayLength > limit - pos) {
            return -1;
        }
        pos = arrayHeader(a, pos, limit, fieldTag, key, (int) arrayLength);
        if (pos < 0) {
            return -1;
        }
        for (int i = 0; i < count; i++) {
            long v = values[i];
            a[pos++] = ARRAY_ELEMENT;
            a[pos++] = (byte) (1 + varintSize(v));
            a[pos++] = INT;
            pos = putVarint(a, pos, v);
        }
        return pos;
    }

    static int putDoubleArray(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, double[] values, int count) {
        long arrayLength = 11L * count; // element tag, length 9, DOUBLE tag, 8 bytes
        if (arrayLength > limit - pos) {
            return -1;
        }
        pos = arrayHeader(a, pos, limit, fieldTag, key, (int) arrayLength);
        if (pos < 0) {
            return -1;
        }
        for (int i = 0; i < count; i++) {
            double v = values[i];
            a[pos++] = ARRAY_ELEMENT;
            a[pos++] = 9;
            a[pos++] = DOUBLE;
            pos = putFixed64(a, pos, Double.doubleToRawLongBits(v));
        }
        return pos;
    }

    static int putBooleanArray(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, boolean[] values, int count) {
        long arrayLength = 4L * count; // element tag, length 2, BOOL tag, 0/1
        if (arrayLength > limit - pos) {
            return -1;
        }
        pos = arrayHeader(a, pos, limit, fieldTag, key, (int) arrayLength);
        if (pos < 0) {
            return -1;
        }
        for (int i = 0; i < count; i++) {
            boolean v = values[i];
            a[pos++] = ARRAY_ELEMENT;
            a[pos++] = 2;
            a[pos++] = BOOL;
            a[pos++] = (byte) (v ? 1 : 0);
        }
        return pos;
    }

    static int putBytesArray(byte[] a, int pos, int limit, int fieldTag, Utf8Constant key, byte[][] values) {
        long arrayLength = 0;
        for (byte[] v : values) {
            arrayLength += lenFieldSize(lenFieldSize(v.length));
        }
        if (arrayLength > limit - pos) {
            return -1;
        }
        pos = arrayHeader(a, pos, limit, fieldTag, key, (int) arrayLength);
        if (pos < 0) {
            return -1;
        }
        for (byte[] v : values) {
            a[pos++] = ARRAY_ELEMENT;
            pos = putVarint(a, pos, lenFieldSize(v.length));
            a[pos++] = BYTES;
            pos = putVarint(a, pos, v.length);
            System.arraycopy(v, 0, a, pos, v.length);
            pos += v.length;
        }
        return pos;
    }

    /**
     * Writes one attribute of a scalar kind ({@link AttributeSink#LONG}, {@link
     * AttributeSink#DOUBLE} as raw bits, else {@link AttributeSink#BOOLEAN} as 1 or 0): the entry
     * of the scalar appends, smaller than {@link #put}.
     */
    static int putScalar(byte[] a, int pos, int limit, int tag, Utf8Constant key, int kind, long bits) {
        return kind == AttributeSink.LONG ? putLong(a, pos, limit, tag, key, bits)
                : kind == AttributeSink.DOUBLE ? putDoubleBits(a, pos, limit, tag, key, bits)
                : putBoolean(a, pos, limit, tag, key, bits != 0);
    }

    /**
     * Writes one attribute (or, with {@code key} null, one AnyValue) of value kind {@code kind}
     * ({@link AttributeSink#STRING} and the others): {@code value} holds an object value, {@code
     * number} a scalar's bits, {@code offset} and {@code count} the used part of an array value.
     */
    static int put(int kind, byte[] a, int pos, int limit, int tag, Utf8Constant key, Object value,
                   long number, int offset, int count) {
        switch (kind) {
            case AttributeSink.STRING:
                return putString(a, pos, limit, tag, key, (CharSequence) value);
            case AttributeSink.LONG:
                return putLong(a, pos, limit, tag, key, number);
            case AttributeSink.DOUBLE:
                return putDoubleBits(a, pos, limit, tag, key, number);
            case AttributeSink.BOOLEAN:
                return putBoolean(a, pos, limit, tag, key, number != 0);
            case AttributeSink.BYTES:
                return putBytes(a, pos, limit, tag, key, (byte[]) value, offset, count);
            case AttributeSink.STRING_ARRAY:
                return putStringArray(a, pos, limit, tag, key, (CharSequence[]) value, count);
            case AttributeSink.LONG_ARRAY:
                return putLongArray(a, pos, limit, tag, key, (long[]) value, count);
            case AttributeSink.DOUBLE_ARRAY:
                return putDoubleArray(a, pos, limit, tag, key, (double[]) value, count);
            case AttributeSink.BOOLEAN_ARRAY:
                return putBooleanArray(a, pos, limit, tag, key, (boolean[]) value, count);
            default:
                return putBytesArray(a, pos, limit, tag, key, (byte[][]) value);
        }
    }

    /**
     * Finds the attribute field with key {@code key} among the complete attribute fields in
     * {@code [pos, end)} (every attribute context's field tag is one byte).
     *
     * @return where its field starts, -1 if no field there has that key
     */
    static int find(byte[] a, int pos, int end, byte[] key) {
        while (pos < end) {
            int fieldStart = pos;
            int fieldEnd = fieldEnd(a, fieldStart);
            pos = fieldStart + 1;
            while (a[pos++] < 0) { // skip the KeyValue length varint
            }
            int keyLength = 0;
            if (a[pos] == 0x0A) { // KeyValue.key (1, LEN); absent when the key is empty
                pos++;
                for (int shift = 0; ; shift += 7) {
                    byte b = a[pos++];
                    keyLength |= (b & 0x7F) << shift;
                    if (b >= 0) {
                        break;
                    }
                }
            }
            if (keyLength == key.length && java.util.Arrays.equals(a, pos, pos + keyLength, key, 0, keyLength)) {
                return fieldStart;
            }
            pos = fieldEnd;
        }
        return -1;
    }

    /** @return where the attribute field starting at {@code fieldStart} ends: past its tag, length varint and body */
    static int fieldEnd(byte[] a, int fieldStart) {
        int pos = fieldStart + 1;
        int length = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = a[pos++];
            length |= (b & 0x7F) << shift;
            if (b >= 0) {
                break;
            }
        }
        return pos + length;
    }
}
