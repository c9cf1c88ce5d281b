package io.ringtrace.codec;

/**
 * The W3C Trace Context {@code tracestate} grammar, checked without allocation: {@code list-member
 * *( OWS "," OWS list-member )}, where a list-member is {@code key "=" value} or empty. Keys are a
 * {@code simple-key} (lowercase letter, then up to 255 of {@code a-z 0-9 _ - * /}) or {@code
 * tenant@system} (tenant: lowercase letter or digit, then up to 240 of those chars; system:
 * lowercase letter, then up to 13); values are 1 to 256 printable ASCII chars other than {@code ','}
 * and {@code '='}, not ending in a space. At most {@value #MAX_MEMBERS} list-members, no key twice.
 *
 * <p>The normalized form of a valid value, which {@link SpanRecord} stores and the encoder sends
 * (as the OpenTelemetry SDK writes a trace state), is its non-empty list-members with the optional
 * whitespace around them removed, joined by {@code ','}. A value that is not valid is discarded
 * whole: the specification forbids propagating a header a parser could not understand, and the
 * SDK's propagator drops it.
 *
 * <p>Cost: linear in the value's length for the syntax, plus a key comparison per pair of
 * list-members (which differ early or in length in practice).
 */
public final class W3cTraceState {

    /** Most list-members a valid {@code tracestate} has. */
    public static final int MAX_MEMBERS = 32;

    private static final int MAX_KEY_LENGTH = 256;
    private static final int MAX_VALUE_LENGTH = 256;
    private static final int MAX_TENANT_LENGTH = 241;
    private static final int MAX_SYSTEM_LENGTH = 14;

    private W3cTraceState() {}

    /**
     * @param traceState a {@code tracestate} value; null is treated as empty
     * @return the length of its normalized form (0 for an empty or blank value), or -1 if it is not
     *     a valid {@code tracestate}; valid values are ASCII, so this is also their UTF-8 length
     */
    public static int normalizedLength(CharSequence traceState) {
        if (traceState == null) {
            return 0;
        }
        int length = traceState.length();
        int members = 0;
        int normalized = 0;
        int pos = 0;
        while (pos <= length) {
            int comma = pos;
            while (comma < length && traceState.charAt(comma) != ',') {
                comma++;
            }
            int start = trimStart(traceState, pos, comma);
            int end = trimEnd(traceState, start, comma);
            if (end > start) { // empty list-members are allowed and left out
                if (members == MAX_MEMBERS) {
                    return -1;
                }
                int equals = indexOf(traceState, '=', start, end);
                if (equals < 0 || !isValidKey(traceState, start, equals) || !isValidValue(traceState, equals + 1, end)
                        || hasKeyBefore(traceState, start, equals)) {
                    return -1;
                }
                normalized += (members == 0 ? 0 : 1) + end - start;
                members++;
            }
            pos = comma + 1;
        }
        return normalized;
    }

    /**
     * Writes the normalized form of a valid value (see {@link #normalizedLength}) into {@code dst},
     * whole list-members only, as many from the start as fit into {@code room} bytes; with a null
     * {@code dst}, only counts them.
     *
     * @return the bytes written (or that would be)
     */
    static int putNormalized(CharSequence traceState, byte[] dst, int pos, int room) {
        int length = traceState.length();
        int written = 0;
        int at = 0;
        while (at <= length) {
            int comma = at;
            while (comma < length && traceState.charAt(comma) != ',') {
                comma++;
            }
            int start = trimStart(traceState, at, comma);
            int end = trimEnd(traceState, start, comma);
            if (end > start) {
                int separator = written == 0 ? 0 : 1;
                if (written + separator + end - start > room) {
                    break; // whole members only: the rest is dropped from the end
                }
                if (dst != null) {
                    int p = pos + written;
                    if (separator != 0) {
                        dst[p++] = ',';
                    }
                    for (int i = start; i < end; i++) {
                        dst[p++] = (byte) traceState.charAt(i); // valid values are ASCII
                    }
                }
                written += separator + end - start;
            }
            at = comma + 1;
        }
        return written;
    }

    /**
     * @param s the text
     * @param start the key's first char
     * @param end after the key's last char
     * @return whether {@code s[start, end)} is a valid {@code tracestate} key
     */
    public static boolean isValidKey(CharSequence s, int start, int end) {
        if (end <= start) {
            return false;
        }
        int at = indexOf(s, '@', start, end);
        if (at < 0) {
            return end - start <= MAX_KEY_LENGTH && isLcAlpha(s.charAt(start)) && keyChars(s, start + 1, end);
        }
        int tenant = at - start;
        int system = end - at - 1;
        return tenant >= 1 && tenant <= MAX_TENANT_LENGTH
                && system >= 1 && system <= MAX_SYSTEM_LENGTH
                && (isLcAlpha(s.charAt(start)) || isDigit(s.charAt(start)))
                && keyChars(s, start + 1, at)
                && isLcAlpha(s.charAt(at + 1))
                && keyChars(s, at + 2, end);
    }

    /**
     * @param s the text
     * @param start the value's first char
     * @param end after the value's last char
     * @return whether {@code s[start, end)} is a valid {@code tracestate} value
     */
    public static boolean isValidValue(CharSequence s, int start, int end) {
        int length = end - start;
        if (length < 1 || length > MAX_VALUE_LENGTH) {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c > 0x7E || c == ',' || c == '=') {
                return false;
            }
        }
        return s.charAt(end - 1) != ' ';
    }

    /** @return whether a list-member before {@code keyStart} has the key {@code s[keyStart, keyEnd)} */
    private static boolean hasKeyBefore(CharSequence s, int keyStart, int keyEnd) {
        int keyLength = keyEnd - keyStart;
        int pos = 0;
        while (pos < keyStart) {
            int start = trimStart(s, pos, keyStart);
            int comma = start;
            while (comma < keyStart && s.charAt(comma) != ',') {
                comma++;
            }
            // earlier members were validated: each non-empty one has an '=' after its key
            int equals = indexOf(s, '=', start, comma);
            if (equals - start == keyLength && regionEquals(s, start, keyStart, keyLength)) {
                return true;
            }
            pos = comma + 1;
        }
        return false;
    }

    private static int trimStart(CharSequence s, int start, int end) {
        while (start < end && isOws(s.charAt(start))) {
            start++;
        }
        return start;
    }

    private static int trimEnd(CharSequence s, int start, int end) {
        while (end > start && isOws(s.charAt(end - 1))) {
            end--;
        }
        return end;
    }

    private static boolean keyChars(CharSequence s, int start, int end) {
        for (int i = start; i < end; i++) {
            char c = s.charAt(i);
            if (!(isLcAlpha(c) || isDigit(c) || c == '_' || c == '-' || c == '*' || c == '/')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isLcAlpha(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int indexOf(CharSequence s, char c, int start, int end) {
        for (int i = start; i < end; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionEquals(CharSequence s, int a, int b, int length) {
        for (int i = 0; i < length; i++) {
            if (s.charAt(a + i) != s.charAt(b + i)) {
                return false;
            }
        }
        return true;
    }
}
