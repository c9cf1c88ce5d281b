package io.ringtrace.codec;

/**
 * Protobuf wire-format primitives over a heap {@code byte[]}: varints, little-endian fixed
 * widths and UTF-8 from a {@link CharSequence}, all without allocating.
 *
 * <p>Written by hand rather than with Chronicle's stop-bit methods: Chronicle's {@code
 * writeStopBit} is not a protobuf varint for negative numbers. The UTF-8 encoder mirrors what
 * protobuf-java writes for the same {@code String}: a well-formed surrogate pair becomes 4 bytes,
 * an unpaired surrogate becomes {@code '?'} (protobuf-java falls back to {@code
 * String.getBytes(UTF_8)} for ill-formed UTF-16, whose replacement is {@code '?'}), so our bytes
 * and protobuf-java's stay identical.
 */
final class WireFormat {

    /** Wire type 0: varint. */
    static final int VARINT = 0;
    /** Wire type 1: little-endian 64-bit. */
    static final int FIXED64 = 1;
    /** Wire type 2: length-delimited. */
    static final int LEN = 2;
    /** Wire type 5: little-endian 32-bit. */
    static final int FIXED32 = 5;

    private WireFormat() {}

    /** @return the tag of field {@code number} with wire type {@code wireType} */
    static int tag(int number, int wireType) {
        return (number << 3) | wireType;
    }

    /** @return bytes of {@code value} as an unsigned 32-bit varint (1..5) */
    static int varintSize(int value) {
        if ((value & (~0 << 7)) == 0) return 1;
        if ((value & (~0 << 14)) == 0) return 2;
        if ((value & (~0 << 21)) == 0) return 3;
        if ((value & (~0 << 28)) == 0) return 4;
        return 5;
    }

    /** @return bytes of {@code value} as an unsigned 64-bit varint (1..10; negatives take 10) */
    static int varintSize(long value) {
        // 64 - leading zeros = significant bits; 7 bits per byte; 0 still takes one byte.
        int bits = 64 - Long.numberOfLeadingZeros(value);
        return bits == 0 ? 1 : (bits + 6) / 7;
    }

    /** @return bytes of a length-delimited field: tag (assumed 1 byte) + length varint + body */
    static int lenFieldSize(int bodyLength) {
        return 1 + varintSize(bodyLength) + bodyLength;
    }

    /** Writes {@code value} as an unsigned 32-bit varint at {@code pos}; returns the new position. */
    static int putVarint(byte[] dst, int pos, int value) {
        while ((value & ~0x7F) != 0) {
            dst[pos++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        dst[pos++] = (byte) value;
        return pos;
    }

    /** Writes {@code value} as an unsigned 64-bit varint at {@code pos}; returns the new position. */
    static int putVarint(byte[] dst, int pos, long value) {
        while ((value & ~0x7FL) != 0) {
            dst[pos++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        dst[pos++] = (byte) value;
        return pos;
    }

    /** Writes {@code value} little-endian in 8 bytes (protobuf fixed64/double); returns the new position. */
    static int putFixed64(byte[] dst, int pos, long value) {
        for (int i = 0; i < 8; i++) {
            dst[pos++] = (byte) value;
            value >>>= 8;
        }
        return pos;
    }

    /** Writes {@code value} big-endian in 8 bytes (trace and span id bytes); returns the new position. */
    static int putIdBytes(byte[] dst, int pos, long value) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            dst[pos++] = (byte) (value >>> shift);
        }
        return pos;
    }

    /**
     * The UTF-8 length of {@code s} as {@link #putUtf8} encodes it: chars below U+0080 take 1 byte,
     * below U+0800 2, a valid surrogate pair 4, an unpaired surrogate 1 ({@code '?'}), others 3.
     */
    static int utf8Length(CharSequence s) {
        return utf8Length(s, s.length());
    }

    /** {@link #utf8Length(CharSequence)} of the first {@code n} chars of {@code s}. */
    static int utf8Length(CharSequence s, int n) {
        int bytes = n;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                bytes += 2; // two chars, four bytes
                i++;
            } else if (Character.isSurrogate(c)) {
                // unpaired: replaced by '?', one byte, already counted
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }

    /** Strings up to this length are checked for ASCII before a block copy; longer ones go char by char. */
    private static final int ASCII_CHECK_CHARS = 256;

    private static boolean isAscii(String s, int n) {
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the length of {@code s} if it is a {@code String} of at most {@value #ASCII_CHECK_CHARS}
     *     ASCII chars (its UTF-8 length, written by {@link #putAscii}), else -1: one pass where
     *     {@link #utf8Length(CharSequence)} and {@link #putUtf8(byte[], int, CharSequence)} take two
     */
    static int asciiLength(CharSequence s) {
        if (s instanceof String) {
            int n = s.length();
            if (n <= ASCII_CHECK_CHARS && isAscii((String) s, n)) {
                return n;
            }
        }
        return -1;
    }

    /** Copies the {@code n} chars of {@code s}, known ASCII ({@link #asciiLength}), in one block; returns the new position. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, no allocation
    static int putAscii(byte[] dst, int pos, String s, int n) {
        s.getBytes(0, n, dst, pos);
        return pos + n;
    }

    /**
     * Encodes {@code s} as UTF-8 at {@code pos}, exactly {@link #utf8Length(CharSequence)} bytes;
     * returns the new position.
     */
    static int putUtf8(byte[] dst, int pos, CharSequence s) {
        return putUtf8(dst, pos, s, s.length());
    }

    /** {@link #putUtf8(byte[], int, CharSequence)} of the first {@code n} chars of {@code s}. */
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, no allocation
    static int putUtf8(byte[] dst, int pos, CharSequence s, int n) {
        if (s instanceof String && n <= ASCII_CHECK_CHARS && isAscii((String) s, n)) {
            ((String) s).getBytes(0, n, dst, pos); // ASCII: UTF-8 is the low bytes, copied in one block
            return pos + n;
        }
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                dst[pos++] = (byte) c;
            } else if (c < 0x800) {
                dst[pos++] = (byte) (0xC0 | (c >>> 6));
                dst[pos++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                char low;
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(low = s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, low);
                    dst[pos++] = (byte) (0xF0 | (cp >>> 18));
                    dst[pos++] = (byte) (0x80 | ((cp >>> 12) & 0x3F));
                    dst[pos++] = (byte) (0x80 | ((cp >>> 6) & 0x3F));
                    dst[pos++] = (byte) (0x80 | (cp & 0x3F));
                    i++;
                } else {
                    dst[pos++] = '?';
                }
            } else {
                dst[pos++] = (byte) (0xE0 | (c >>> 12));
                dst[pos++] = (byte) (0x80 | ((c >>> 6) & 0x3F));
                dst[pos++] = (byte) (0x80 | (c & 0x3F));
            }
        }
        return pos;
    }

    /**
     * The longest prefix of {@code s}, in chars, whose UTF-8 encoding fits into {@code maxBytes}
     * without splitting a character (used to truncate span names and other texts that do not fit).
     */
    static int utf8PrefixChars(CharSequence s, int maxBytes) {
        int n = s.length();
        int bytes = 0;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            int w;
            int chars = 1;
            if (c < 0x80) {
                w = 1;
            } else if (c < 0x800) {
                w = 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                w = 4;
                chars = 2;
            } else if (Character.isSurrogate(c)) {
                w = 1;
            } else {
                w = 3;
            }
            if (bytes + w > maxBytes) {
                return i;
            }
            bytes += w;
            i += chars - 1;
        }
        return n;
    }
}
