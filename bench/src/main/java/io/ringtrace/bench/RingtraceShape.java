package io.ringtrace.bench;

import io.ringtrace.bench.SpanShape.SpanValues;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Resource;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.Ids;
import io.ringtrace.engine.Span;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;

/** The {@link SpanShape typical span} as ringtrace records it: pre-encoded names and keys. */
public final class RingtraceShape {

    /** Span name. */
    public static final Utf8Constant NAME = Utf8Constant.of(SpanShape.SPAN_NAME);
    /** Attribute key. */
    public static final Utf8Constant METHOD = Utf8Constant.of(SpanShape.KEY_METHOD);
    /** Attribute key. */
    public static final Utf8Constant PATH = Utf8Constant.of(SpanShape.KEY_PATH);
    /** Attribute key. */
    public static final Utf8Constant STATUS = Utf8Constant.of(SpanShape.KEY_STATUS);
    /** Attribute key. */
    public static final Utf8Constant CACHE_HIT = Utf8Constant.of(SpanShape.KEY_CACHE_HIT);
    /** Event name. */
    public static final Utf8Constant EVENT = Utf8Constant.of(SpanShape.EVENT_NAME);
    /** The instrumentation scope. */
    public static final InstrumentationScope SCOPE =
            InstrumentationScope.builder(SpanShape.SCOPE_NAME).version(SpanShape.SCOPE_VERSION).build();
    /**
     * Span flags the OpenTelemetry SDK writes for a sampled span with a known, non-remote parent
     * (sampled + {@code SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK}), so both systems encode equal spans.
     */
    public static final int FLAGS_SAMPLED_LOCAL_PARENT = 0x101;

    private RingtraceShape() {
    }

    /** @return the resource both systems export under */
    public static Resource resource() {
        return Resource.builder().attribute("service.name", SpanShape.SERVICE_NAME).build();
    }

    /**
     * Fills a record with one typical span of fixed ids and times (the encode benchmark's input).
     *
     * @param record the record, reset first
     * @param row ids and times
     * @return the record
     */
    public static SpanRecord fill(SpanRecord record, SpanValues row) {
        record.reset()
                .scope(SCOPE)
                .traceId(row.traceIdHigh(), row.traceIdLow())
                .spanId(row.spanId())
                .parentSpanId(row.parentSpanId())
                .traceFlags(FLAGS_SAMPLED_LOCAL_PARENT)
                .name(NAME)
                .kind(SpanKind.SERVER)
                .startEpochNanos(row.startEpochNanos())
                .endEpochNanos(row.endEpochNanos())
                .attribute(METHOD, SpanShape.VALUE_METHOD)
                .attribute(PATH, SpanShape.VALUE_PATH)
                .attribute(STATUS, SpanShape.VALUE_STATUS)
                .attribute(CACHE_HIT, SpanShape.VALUE_CACHE_HIT)
                .addEvent(EVENT, row.eventEpochNanos());
        return record;
    }

    /**
     * Fills a claimed ring slot with one typical span as a ring-API producer does: fresh random
     * ids, times from the engine's clock (start, event, end), name, 4 attributes, 1 event.
     *
     * @param record the claimed slot's record (clean)
     * @param engine the engine (ids need no engine; the clock is its)
     * @return the record
     */
    public static SpanRecord fillLive(SpanRecord record, TraceEngine engine) {
        return fillLive(record, engine, true);
    }

    /**
     * {@link #fillLive(SpanRecord, TraceEngine)}, with or without the event (the minimal span is
     * "name, 4 attributes": start and end times only).
     *
     * @param record the claimed slot's record (clean)
     * @param engine the engine
     * @param withEvent whether to add the event (and read the clock for it)
     * @return the record
     */
    public static SpanRecord fillLive(SpanRecord record, TraceEngine engine, boolean withEvent) {
        fillStart(record, engine.nowEpochNanos());
        if (withEvent) {
            record.addEvent(EVENT, engine.nowEpochNanos());
        }
        return record.endEpochNanos(engine.nowEpochNanos());
    }

    /**
     * Fills a claimed ring slot as a producer that already has the span's times does (e.g. an
     * exchange's or a matching engine's own timestamps): fresh random ids, the given times, name, 4
     * attributes, and the event at the start time if wanted. No clock read.
     *
     * @param record the claimed slot's record (clean)
     * @param startEpochNanos the span's start
     * @param endEpochNanos the span's end
     * @param withEvent whether to add the event
     * @return the record
     */
    public static SpanRecord fillGiven(SpanRecord record, long startEpochNanos, long endEpochNanos, boolean withEvent) {
        fillStart(record, startEpochNanos);
        if (withEvent) {
            record.addEvent(EVENT, startEpochNanos);
        }
        return record.endEpochNanos(endEpochNanos);
    }

    /** Everything of the span but its event and end: fresh random ids, the start, name, 4 attributes. */
    private static void fillStart(SpanRecord record, long startEpochNanos) {
        record.scope(SCOPE)
                .traceId(Ids.randomTraceIdHigh(), Ids.randomTraceIdLow())
                .spanId(Ids.randomSpanId())
                .traceFlags(1) // sampled
                .name(NAME)
                .kind(SpanKind.SERVER)
                .startEpochNanos(startEpochNanos)
                .attribute(METHOD, SpanShape.VALUE_METHOD)
                .attribute(PATH, SpanShape.VALUE_PATH)
                .attribute(STATUS, SpanShape.VALUE_STATUS)
                .attribute(CACHE_HIT, SpanShape.VALUE_CACHE_HIT);
    }

    /**
     * Records one typical span through the span API, the same calls an SDK user makes: start,
     * four attributes, one event, end.
     *
     * @param tracer the tracer
     */
    public static void recordSpan(Tracer tracer) {
        recordSpan(tracer, true);
    }

    /**
     * {@link #recordSpan(Tracer)}, with or without the event (the minimal span is "name, 4
     * attributes").
     *
     * @param tracer the tracer
     * @param withEvent whether to add the event
     */
    public static void recordSpan(Tracer tracer, boolean withEvent) {
        Span span = tracer.start(NAME, SpanKind.SERVER);
        span.attribute(METHOD, SpanShape.VALUE_METHOD);
        span.attribute(PATH, SpanShape.VALUE_PATH);
        span.attribute(STATUS, SpanShape.VALUE_STATUS);
        span.attribute(CACHE_HIT, SpanShape.VALUE_CACHE_HIT);
        if (withEvent) {
            span.addEvent(EVENT);
        }
        span.end();
    }
}
