package io.ringtrace.opentelemetry;

import io.opentelemetry.api.trace.SpanContext;
import io.ringtrace.engine.TraceContext;

/**
 * Ids between OpenTelemetry's lowercase-hex form and ringtrace's {@code long} halves.
 *
 * <p>OpenTelemetry hands ids out as 32- and 16-char hex strings ({@link SpanContext#getTraceId()},
 * {@link SpanContext#getSpanId()}); ringtrace keeps them as two {@code long}s and one. Reading a
 * string here allocates nothing; an id that is not exactly hex of the right length reads as 0 (the
 * invalid id), so a malformed context never becomes a parent.
 */
public final class OtelIds {

    private OtelIds() {}

    /**
     * Copies an OpenTelemetry span context into a ringtrace one: ids, trace flags and the
     * remote flag. The {@code tracestate} is not copied (its entries need a walk; callers that
     * propagate it copy it themselves).
     *
     * @param from the OpenTelemetry context
     * @param into the context to fill
     * @return {@code into}
     */
    public static TraceContext copyIds(SpanContext from, TraceContext into) {
        String traceId = from.getTraceId();
        return into.set(hexLong(traceId, 0), hexLong(traceId, 16), hexLong(from.getSpanId(), 0),
                from.getTraceFlags().asByte(), from.isRemote());
    }

    /**
     * Reads 16 hex chars as a {@code long}.
     *
     * @param hex the string
     * @param offset where the 16 chars start
     * @return the value, or 0 when the chars are missing or not lowercase/uppercase hex
     */
    public static long hexLong(CharSequence hex, int offset) {
        if (hex == null || hex.length() < offset + 16) {
            return 0L;
        }
        long value = 0;
        for (int i = offset; i < offset + 16; i++) {
            int digit = Character.digit(hex.charAt(i), 16);
            if (digit < 0) {
                return 0L;
            }
            value = (value << 4) | digit;
        }
        return value;
    }

    /**
     * Writes a trace id as OpenTelemetry's 32-char lowercase hex.
     *
     * @param high the high 8 bytes
     * @param low the low 8 bytes
     * @return the hex string
     */
    public static String hex(long high, long low) {
        char[] chars = new char[32];
        putHex(high, chars, 0);
        putHex(low, chars, 16);
        return new String(chars);
    }

    /**
     * Writes a span id as OpenTelemetry's 16-char lowercase hex.
     *
     * @param id the id
     * @return the hex string
     */
    public static String hex(long id) {
        char[] chars = new char[16];
        putHex(id, chars, 0);
        return new String(chars);
    }

    private static void putHex(long value, char[] into, int at) {
        for (int i = 15; i >= 0; i--) {
            into[at + i] = Character.forDigit((int) (value & 0xF), 16);
            value >>>= 4;
        }
    }
}
