package io.ringtrace.engine;

import io.ringtrace.codec.W3cTraceState;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * W3C Trace Context headers ({@code traceparent}, {@code tracestate}) parsed from a
 * {@link CharSequence} and written to an {@link Appendable} or a byte array, without allocation.
 *
 * <p>{@code traceparent} ({@code version "-" trace-id "-" parent-id "-" trace-flags}) follows the
 * W3C Trace Context rules: lowercase hex only; version {@code ff} is invalid; version {@code 00}
 * must be exactly 55 chars; a higher version may be longer if the 56th char is {@code '-'} (only the
 * version-00 prefix is read); an all-zero trace id or parent id is invalid. Leading and trailing
 * optional whitespace (space, tab) is ignored, as HTTP allows around header values.
 *
 * <p>{@code tracestate} ({@code list-member *( OWS "," OWS list-member )}) is validated whole, with
 * the grammar of {@link W3cTraceState} (which span records apply too): keys are {@code simple-key}
 * or {@code tenant@system} per the specification, values 1 to 256 printable ASCII chars without
 * {@code ','} or {@code '='} and not ending in a space, at most {@value
 * TraceContext#MAX_TRACE_STATE_MEMBERS} list-members, no duplicate keys, empty list-members ignored. An invalid {@code tracestate} is discarded as a whole (the specification forbids
 * propagating a header the parser could not understand); the {@code traceparent} stays valid. A
 * valid one longer than {@value TraceContext#MAX_TRACE_STATE_CHARS} chars is truncated as the
 * specification allows: list-members over 128 chars go first, then members from the end.
 */
public final class W3cTraceContext {

    /** Length of a version-00 {@code traceparent}. */
    public static final int TRACEPARENT_LENGTH = 55;

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final int LARGE_MEMBER = 128;

    private W3cTraceContext() {}

    // ------------------------------------------------------------------------------ traceparent

    /**
     * Parses a {@code traceparent} header into {@code into} (marked remote, {@code tracestate}
     * cleared). On failure {@code into} is {@linkplain TraceContext#clear() cleared}.
     *
     * @param header the header value; null or empty is "absent" (returns false)
     * @param into where the ids and flags go
     * @return whether the header was valid
     */
    public static boolean parseTraceParent(CharSequence header, TraceContext into) {
        into.clear();
        if (header == null) {
            return false;
        }
        int start = 0;
        int end = header.length();
        while (start < end && isOws(header.charAt(start))) {
            start++;
        }
        while (end > start && isOws(header.charAt(end - 1))) {
            end--;
        }
        int length = end - start;
        if (length < TRACEPARENT_LENGTH) {
            return false;
        }
        int version = hexByte(header, start);
        if (version < 0 || version == 0xFF) {
            return false;
        }
        if (version == 0 && length != TRACEPARENT_LENGTH) {
            return false;
        }
        if (length > TRACEPARENT_LENGTH && header.charAt(start + TRACEPARENT_LENGTH) != '-') {
            return false; // a future version may append fields, each introduced by '-'
        }
        if (header.charAt(start + 2) != '-' || header.charAt(start + 35) != '-' || header.charAt(start + 52) != '-') {
            return false;
        }
        if (!isHex(header, start + 3, 32) || !isHex(header, start + 36, 16)) {
            return false;
        }
        int flags = hexByte(header, start + 53);
        if (flags < 0) {
            return false;
        }
        long high = hexLong(header, start + 3);
        long low = hexLong(header, start + 19);
        long spanId = hexLong(header, start + 36);
        if (!Ids.isValidTraceId(high, low) || !Ids.isValidSpanId(spanId)) {
            return false;
        }
        into.set(high, low, spanId, flags, true);
        return true;
    }

    /**
     * Writes a version-00 {@code traceparent} value (55 chars).
     *
     * @param traceIdHigh high 8 bytes of the trace id
     * @param traceIdLow low 8 bytes of the trace id
     * @param spanId the span id
     * @param traceFlags the trace flags (low 8 bits)
     * @param out where to append; a {@link StringBuilder} with capacity allocates nothing
     * @throws UncheckedIOException if {@code out} throws {@link IOException}
     */
    public static void writeTraceParent(long traceIdHigh, long traceIdLow, long spanId, int traceFlags,
                                        Appendable out) {
        try {
            out.append('0').append('0').append('-');
            appendHex(traceIdHigh, out);
            appendHex(traceIdLow, out);
            out.append('-');
            appendHex(spanId, out);
            out.append('-').append(HEX[(traceFlags >>> 4) & 0xF]).append(HEX[traceFlags & 0xF]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write traceparent", e);
        }
    }

    /**
     * Writes the {@code traceparent} of a context.
     *
     * @param context the context
     * @param out where to append
     */
    public static void writeTraceParent(TraceContext context, Appendable out) {
        writeTraceParent(context.traceIdHigh, context.traceIdLow, context.spanId, context.traceFlags, out);
    }

    /**
     * Writes a version-00 {@code traceparent} value as US-ASCII bytes.
     *
     * @param traceIdHigh high 8 bytes of the trace id
     * @param traceIdLow low 8 bytes of the trace id
     * @param spanId the span id
     * @param traceFlags the trace flags
     * @param dst destination array
     * @param offset where to start; {@value #TRACEPARENT_LENGTH} bytes are written
     * @return the offset after the last byte written
     * @throws IndexOutOfBoundsException if the array is too short
     */
    public static int writeTraceParent(long traceIdHigh, long traceIdLow, long spanId, int traceFlags,
                                       byte[] dst, int offset) {
        if (offset < 0 || dst.length - offset < TRACEPARENT_LENGTH) {
            throw new IndexOutOfBoundsException("need " + TRACEPARENT_LENGTH + " bytes at offset " + offset
                    + " of a " + dst.length + "-byte array");
        }
        int p = offset;
        dst[p++] = '0';
        dst[p++] = '0';
        dst[p++] = '-';
        p = putHex(traceIdHigh, dst, p);
        p = putHex(traceIdLow, dst, p);
        dst[p++] = '-';
        p = putHex(spanId, dst, p);
        dst[p++] = '-';
        dst[p++] = (byte) HEX[(traceFlags >>> 4) & 0xF];
        dst[p++] = (byte) HEX[traceFlags & 0xF];
        return p;
    }

    // ------------------------------------------------------------------------------- tracestate

    /**
     * Parses a {@code tracestate} header into {@code into}'s trace state (the ids are untouched).
     * On failure the trace state is cleared.
     *
     * @param header the header value (several header lines must be joined with {@code ','} first);
     *     null or blank means empty
     * @param into where the normalized value goes (list-members joined by {@code ','})
     * @return whether the header was valid (an absent header is valid)
     */
    public static boolean parseTraceState(CharSequence header, TraceContext into) {
        into.traceStateLength = 0;
        if (header == null) {
            return true;
        }
        int[] members = into.memberBounds;
        int[] keys = into.memberKeyBounds;
        int count = 0;
        int length = header.length();
        int pos = 0;
        while (pos <= length) {
            int comma = pos;
            while (comma < length && header.charAt(comma) != ',') {
                comma++;
            }
            int start = pos;
            int end = comma;
            while (start < end && isOws(header.charAt(start))) {
                start++;
            }
            while (end > start && isOws(header.charAt(end - 1))) {
                end--;
            }
            if (end > start) { // empty list-members are allowed and ignored
                if (count == TraceContext.MAX_TRACE_STATE_MEMBERS) {
                    return false;
                }
                int equals = indexOf(header, '=', start, end);
                if (equals < 0 || !W3cTraceState.isValidKey(header, start, equals)
                        || !W3cTraceState.isValidValue(header, equals + 1, end)) {
                    return false;
                }
                for (int i = 0; i < count; i++) {
                    if (regionEquals(header, keys[2 * i], keys[2 * i + 1], start, equals)) {
                        return false; // duplicate key
                    }
                }
                keys[2 * count] = start;
                keys[2 * count + 1] = equals;
                members[2 * count] = start;
                members[2 * count + 1] = end;
                count++;
            }
            pos = comma + 1;
        }
        copyMembers(header, members, count, into);
        return true;
    }

    /**
     * Writes a context's {@code tracestate} value (possibly empty: then omit the header).
     *
     * @param context the context
     * @param out where to append
     */
    public static void writeTraceState(TraceContext context, Appendable out) {
        try {
            for (int i = 0; i < context.traceStateLength; i++) {
                out.append(context.traceState[i]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write tracestate", e);
        }
    }

    /** Joins the valid members into the context, truncating per the specification if needed. */
    private static void copyMembers(CharSequence header, int[] members, int count, TraceContext into) {
        int total = count == 0 ? 0 : count - 1;
        for (int i = 0; i < count; i++) {
            total += members[2 * i + 1] - members[2 * i];
        }
        boolean skipLarge = total > TraceContext.MAX_TRACE_STATE_CHARS;
        char[] dst = into.traceState;
        int n = 0;
        for (int i = 0; i < count; i++) {
            int start = members[2 * i];
            int memberLength = members[2 * i + 1] - start;
            if (skipLarge && memberLength > LARGE_MEMBER) {
                continue;
            }
            int needed = memberLength + (n == 0 ? 0 : 1);
            if (n + needed > dst.length) {
                break; // whole members only: drop the rest from the end
            }
            if (n > 0) {
                dst[n++] = ',';
            }
            for (int j = 0; j < memberLength; j++) {
                dst[n++] = header.charAt(start + j);
            }
        }
        into.traceStateLength = n;
    }

    // ----------------------------------------------------------------------------------- helpers

    private static boolean isOws(char c) {
        return c == ' ' || c == '\t';
    }

    private static int indexOf(CharSequence s, char c, int start, int end) {
        for (int i = start; i < end; i++) {
            if (s.charAt(i) == c) {
                return i;
            }
        }
        return -1;
    }

    private static boolean regionEquals(CharSequence s, int aStart, int aEnd, int bStart, int bEnd) {
        if (aEnd - aStart != bEnd - bStart) {
            return false;
        }
        for (int i = 0; i < aEnd - aStart; i++) {
            if (s.charAt(aStart + i) != s.charAt(bStart + i)) {
                return false;
            }
        }
        return true;
    }

    /** @return the value of a lowercase hex digit, or -1 */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1; // uppercase hex is invalid in traceparent
    }

    private static boolean isHex(CharSequence s, int start, int count) {
        for (int i = start; i < start + count; i++) {
            if (hexDigit(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** @return the byte at two hex digits, or -1 if they are not lowercase hex */
    private static int hexByte(CharSequence s, int at) {
        int hi = hexDigit(s.charAt(at));
        int lo = hexDigit(s.charAt(at + 1));
        return hi < 0 || lo < 0 ? -1 : hi << 4 | lo;
    }

    /** Reads 16 hex digits already checked by {@link #isHex}. */
    private static long hexLong(CharSequence s, int at) {
        long value = 0;
        for (int i = at; i < at + 16; i++) {
            value = value << 4 | hexDigit(s.charAt(i));
        }
        return value;
    }

    private static void appendHex(long value, Appendable out) throws IOException {
        for (int shift = 60; shift >= 0; shift -= 4) {
            out.append(HEX[(int) (value >>> shift) & 0xF]);
        }
    }

    private static int putHex(long value, byte[] dst, int p) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            dst[p++] = (byte) HEX[(int) (value >>> shift) & 0xF];
        }
        return p;
    }
}
