package io.ringtrace.codec;

import java.util.Arrays;

/**
 * An immutable string pre-encoded to UTF-8 once, for span names, event names and attribute keys
 * that a program uses over and over: create it once (a {@code static final} field), reuse it for
 * every span, and the hot path only copies its bytes.
 *
 * <p>Unpaired surrogates in the source string are encoded as {@code '?'}, as protobuf-java does.
 */
public final class Utf8Constant {

    private final String value;
    private final byte[] utf8;
    /** {@code KeyValue.key} as a whole field (tag, length, bytes), empty for the empty key (proto3 omits it): one copy per attribute. */
    private final byte[] keyField;
    /** One of 64 bits, chosen by the bytes' hash: the key's mark in a span's keys-seen filter. */
    private final long keyBit;

    private Utf8Constant(String value) {
        this.value = value;
        this.utf8 = new byte[WireFormat.utf8Length(value)];
        WireFormat.putUtf8(utf8, 0, value);
        this.keyField = utf8.length == 0 ? utf8 : new byte[WireFormat.lenFieldSize(utf8.length)];
        if (utf8.length != 0) {
            keyField[0] = 0x0A; // KeyValue.key (1, LEN)
            int at = WireFormat.putVarint(keyField, 1, utf8.length);
            System.arraycopy(utf8, 0, keyField, at, utf8.length);
        }
        this.keyBit = 1L << ((Arrays.hashCode(utf8) * 0x9E3779B9) >>> 26); // the top 6 bits of a Fibonacci hash
    }

    /**
     * Encodes {@code value} once.
     *
     * @param value the string; not null (may be empty)
     * @return the pre-encoded constant
     * @throws IllegalArgumentException if {@code value} is null
     */
    public static Utf8Constant of(String value) {
        if (value == null) {
            throw new IllegalArgumentException("Utf8Constant value must not be null");
        }
        return new Utf8Constant(value);
    }

    /** @return the number of UTF-8 bytes */
    public int utf8Length() {
        return utf8.length;
    }

    /** The encoded bytes; package-private because the array is shared and must never be modified. */
    byte[] utf8() {
        return utf8;
    }

    /** @return this key's bit in {@link SpanSlot}'s keys-seen filter: equal bytes, equal bit */
    byte[] keyField() {
        return keyField;
    }

    long keyBit() {
        return keyBit;
    }

    /** @return the original string */
    @Override
    public String toString() {
        return value;
    }

    /** Two constants are equal when their UTF-8 bytes are. */
    @Override
    public boolean equals(Object o) {
        return o instanceof Utf8Constant && Arrays.equals(utf8, ((Utf8Constant) o).utf8);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(utf8);
    }
}
