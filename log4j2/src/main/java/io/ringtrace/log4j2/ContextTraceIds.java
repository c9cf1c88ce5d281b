package io.ringtrace.log4j2;

import io.ringtrace.codec.LogRecordWriter;

/**
 * Trace context carried in the thread context map under the OpenTelemetry convention's keys
 * ({@value #TRACE_ID}, {@value #SPAN_ID}, {@value #TRACE_FLAGS} in lower-case hex, as the
 * OpenTelemetry Java agent's Log4j2 context-data instrumentation writes them): they become the
 * record's trace id, span id and flags instead of attributes. This is how a record keeps its span
 * through an asynchronous logger, whose appender runs on Log4j2's background thread where no span
 * is current. A value that is not valid hex of the right length stays an ordinary attribute.
 * Allocation-free.
 */
final class ContextTraceIds {

    static final String TRACE_ID = "trace_id";
    static final String SPAN_ID = "span_id";
    static final String TRACE_FLAGS = "trace_flags";

    private ContextTraceIds() {}

    /**
     * Writes the entry into the record's trace context if it is one of the three keys with a
     * valid value.
     *
     * @return whether it was taken (so it is not written as an attribute)
     */
    static boolean take(String key, CharSequence value, LogRecordWriter record) {
        switch (key) {
            case TRACE_ID:
                if (value.length() != 32) {
                    return false;
                }
                long high = hex(value, 0, 16);
                long low = hex(value, 16, 32);
                if (high == -1 && !allF(value, 0, 16) || low == -1 && !allF(value, 16, 32) || (high | low) == 0) {
                    return false;
                }
                record.traceId(high, low);
                return true;
            case SPAN_ID:
                if (value.length() != 16) {
                    return false;
                }
                long span = hex(value, 0, 16);
                if (span == -1 && !allF(value, 0, 16) || span == 0) {
                    return false;
                }
                record.spanId(span);
                return true;
            case TRACE_FLAGS:
                if (value.length() != 2) {
                    return false;
                }
                long flags = hex(value, 0, 2);
                if (flags < 0) {
                    return false;
                }
                record.traceFlags((int) flags);
                return true;
            default:
                return false;
        }
    }

    /** @return the value of hex digits [from, to) (at most 16), or -1 if one is not a hex digit */
    private static long hex(CharSequence s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(s.charAt(i), 16);
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    /** Tells a genuine all-ones id (16 {@code f}s) from the -1 that {@link #hex} returns for bad input. */
    private static boolean allF(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c != 'f' && c != 'F') {
                return false;
            }
        }
        return true;
    }
}
