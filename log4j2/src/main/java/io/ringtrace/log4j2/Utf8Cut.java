package io.ringtrace.log4j2;

/**
 * Cuts text to a number of UTF-8 bytes at a character boundary, before it goes into a record:
 * the record writer refuses a body over its budget (the record would be dropped whole), and a
 * log line that is too long should arrive cut, not vanish. Allocation-free.
 */
final class Utf8Cut {

    private Utf8Cut() {}

    /**
     * Shortens {@code text} to at most {@code maxBytes} bytes of UTF-8, never splitting a
     * character (a surrogate pair counts as one 4-byte character; an unpaired surrogate as the
     * 1-byte {@code '?'} the writer encodes it as).
     *
     * @param text the text, changed in place
     * @param maxBytes the most UTF-8 bytes to keep, at least 0
     * @return whether it was cut
     */
    static boolean cut(StringBuilder text, int maxBytes) {
        final int length = text.length();
        if ((long) length * 3 <= maxBytes) {
            return false; // every char takes at most 3 bytes (a pair: 4 for 2 chars): fits without a scan
        }
        int bytes = 0;
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            int n;
            int chars = 1;
            if (c < 0x80) {
                n = 1;
            } else if (c < 0x800) {
                n = 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
                n = 4;
                chars = 2;
            } else if (Character.isSurrogate(c)) {
                n = 1;
            } else {
                n = 3;
            }
            if (bytes + n > maxBytes) {
                text.setLength(i);
                return true;
            }
            bytes += n;
            i += chars - 1;
        }
        return false;
    }

    /**
     * The most UTF-8 bytes of a string body that fit a body budget: the body field is tag (1),
     * length, {@code AnyValue} with tag (1), length and the bytes.
     *
     * @param bodyBytes the record's body budget ({@code LogLimits.bodyBytes()})
     * @return the most bytes of text, or -1 if not even an empty string body fits
     */
    static int maxStringBody(int bodyBytes) {
        int n = Math.max(0, bodyBytes - 12); // two varints of at most 5 bytes and two tags
        if (stringBodySize(n) > bodyBytes) {
            return stringBodySize(0) <= bodyBytes ? 0 : -1;
        }
        while (stringBodySize(n + 1) <= bodyBytes) {
            n++;
        }
        return n;
    }

    private static long stringBodySize(int textBytes) {
        long anyValue = 1 + varintSize(textBytes) + (long) textBytes;
        return 1 + varintSize(anyValue) + anyValue;
    }

    private static int varintSize(long v) {
        int n = 1;
        while ((v >>>= 7) != 0) {
            n++;
        }
        return n;
    }
}
