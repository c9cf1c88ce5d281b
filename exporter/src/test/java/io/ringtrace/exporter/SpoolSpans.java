package io.ringtrace.exporter;

import io.opentelemetry.proto.trace.v1.Span;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.testkit.RecordingReceiver;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Spans with known ids for the spool's tests, published through the ring API, and counted at a receiver by id. */
final class SpoolSpans {

    private static final InstrumentationScope SCOPE = InstrumentationScope.builder("io.ringtrace.spool").build();
    private static final Utf8Constant NAME = Utf8Constant.of("spooled span");
    private static final Utf8Constant NUMBER = Utf8Constant.of("number");

    private SpoolSpans() {}

    /** Publishes span {@code id} (ids from 1); waits for a ring slot, so nothing is dropped at the ring. */
    static void publish(TraceEngine engine, long id) {
        long sequence = engine.claim();
        if (sequence < 0) {
            throw new IllegalStateException("claim failed: " + sequence);
        }
        try {
            fill(engine, sequence, id);
        } finally {
            engine.publish(sequence);
        }
    }

    private static void fill(TraceEngine engine, long sequence, long id) {
        engine.record(sequence)
                    .scope(SCOPE)
                    .traceId(id * 0x9E3779B97F4A7C15L, ~id)
                    .spanId(id)
                    .name(NAME)
                    .kind(SpanKind.INTERNAL)
                    .startEpochNanos(1_700_000_000_000_000_000L + id)
                    .endEpochNanos(1_700_000_000_000_500_000L + id)
                    .attribute(NUMBER, id);
    }

    /** Publishes span {@code id} if the ring has a slot; otherwise the engine counts it {@code RING_FULL}. */
    static void tryPublish(TraceEngine engine, long id) {
        long sequence = engine.tryClaim();
        if (sequence < 0) {
            return;
        }
        try {
            fill(engine, sequence, id);
        } finally {
            engine.publish(sequence);
        }
    }

    /** @return span id to the number of times the receiver got it, each span checked whole */
    static Map<Long, Integer> received(RecordingReceiver<?, ?> receiver) {
        List<Span> spans = receiver.spans();
        Map<Long, Integer> counts = new HashMap<>();
        for (Span span : spans) {
            long id = span.getSpanId().asReadOnlyByteBuffer().getLong();
            if (span.getAttributesCount() != 1 || span.getAttributes(0).getValue().getIntValue() != id
                    || span.getTraceId().asReadOnlyByteBuffer().getLong() != id * 0x9E3779B97F4A7C15L
                    || !span.getName().equals("spooled span")) {
                throw new AssertionError("span " + id + " arrived damaged: " + span);
            }
            counts.merge(id, 1, Integer::sum);
        }
        return counts;
    }
}
