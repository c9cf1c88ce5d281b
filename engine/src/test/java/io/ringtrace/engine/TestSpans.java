package io.ringtrace.engine;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.Utf8Constant;

/** A typical span (name, 4 attributes) and the id scheme the tests use to check spans arrive intact. */
final class TestSpans {

    static final InstrumentationScope SCOPE = InstrumentationScope.builder("io.ringtrace.test").version("1.0").build();
    static final InstrumentationScope OTHER_SCOPE = InstrumentationScope.of("io.ringtrace.other");
    static final Utf8Constant NAME = Utf8Constant.of("GET /orders/{id}");
    static final Utf8Constant ROUTE = Utf8Constant.of("http.route");
    static final Utf8Constant STATUS = Utf8Constant.of("http.status_code");
    static final Utf8Constant RATIO = Utf8Constant.of("ratio");
    static final Utf8Constant CACHED = Utf8Constant.of("cached");
    static final Utf8Constant SEQ = Utf8Constant.of("seq");

    private TestSpans() {}

    /** Trace id high half derived from the span id, so a span's ids can be checked alone. */
    static long traceHigh(long spanId) {
        return spanId * 0x9E3779B97F4A7C15L;
    }

    /** Trace id low half derived from the span id (never zero for a non-zero id). */
    static long traceLow(long spanId) {
        return ~spanId;
    }

    /** Fills a typical span with ids derived from {@code spanId}; no allocation. */
    static SpanRecord fill(SpanRecord record, long spanId, CharSequence route) {
        return record.scope(SCOPE)
                .traceId(traceHigh(spanId), traceLow(spanId))
                .spanId(spanId)
                .name(NAME)
                .kind(SpanKind.SERVER)
                .startEpochNanos(1_700_000_000_000_000_000L + spanId)
                .endEpochNanos(1_700_000_000_000_001_000L + spanId)
                .attribute(ROUTE, route)
                .attribute(STATUS, 200L)
                .attribute(RATIO, 0.5)
                .attribute(CACHED, true);
    }

    /** Publishes one typical span through the ring API, waiting for a slot. @return whether published */
    static boolean publish(TraceEngine engine, long spanId, CharSequence route) {
        long seq = engine.claim();
        if (seq < 0) {
            return false;
        }
        try {
            fill(engine.record(seq), spanId, route);
        } finally {
            engine.publish(seq);
        }
        return true;
    }

    /** Reads a big-endian long from an OTLP id byte string. */
    static long idLong(com.google.protobuf.ByteString bytes, int offset) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (bytes.byteAt(offset + i) & 0xFF);
        }
        return v;
    }
}
