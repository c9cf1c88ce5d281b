package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The span API's hand-off through {@link PackedSlots}: spans that fit are packed, bigger ones fall
 * back to the slot's own record, and ring-API spans in the same slots are read from the slot. A ring
 * of 2 slots makes every slot alternate between the three.
 */
class PackedSlotsTest extends LeakCheckingTestBase {

    private static final Utf8Constant[] KEYS = new Utf8Constant[30];

    static {
        for (int i = 0; i < KEYS.length; i++) {
            KEYS[i] = Utf8Constant.of("attribute.number." + i);
        }
    }

    private final InMemorySpanExporter exporter = new InMemorySpanExporter();

    @Test
    void packedBigAndRingApiSpansShareSlotsAndEachArrivesOnceIntact() {
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter).ringSize(2)
                .overloadPolicy(OverloadPolicy.BLOCK).build());
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        SpanRecord probe = new SpanRecord(engine.limits);
        int rounds = 300;
        for (int i = 0; i < rounds; i++) {
            long seq = 3L * i;
            Span small = tracer.start(TestSpans.NAME);
            small.attribute(TestSpans.SEQ, seq + 1);
            small.end();

            Span big = tracer.start(TestSpans.NAME);
            big.attribute(TestSpans.SEQ, seq + 2);
            for (Utf8Constant key : KEYS) {
                big.attribute(key, "a short value"); // 30 of them overflow the packing area, not the limits
            }
            if (i == 0) {
                probe.copyFrom(big.record());
                assertTrue(probe.packedSize() > PackedSlots.SLOT_BYTES, "the big span must not fit: " + probe.packedSize());
            }
            big.end();

            long sequence = engine.claim();
            engine.record(sequence).scope(TestSpans.OTHER_SCOPE).traceId(TestSpans.traceHigh(seq + 3), TestSpans.traceLow(seq + 3))
                    .spanId(seq + 3).name(TestSpans.NAME).startEpochNanos(10).endEpochNanos(20)
                    .attribute(TestSpans.SEQ, seq + 3);
            engine.publish(sequence);
        }
        assertTrue(engine.flush(Duration.ofSeconds(30)));

        Map<Long, io.opentelemetry.proto.trace.v1.Span> bySeq = new HashMap<>();
        for (io.opentelemetry.proto.trace.v1.Span span : exporter.decodedSpans()) {
            assertNull(bySeq.put(span.getAttributes(0).getValue().getIntValue(), span), "a span arrived twice");
        }
        assertEquals(3 * rounds, bySeq.size());
        for (long seq = 1; seq <= 3L * rounds; seq++) {
            io.opentelemetry.proto.trace.v1.Span span = bySeq.get(seq);
            int kind = (int) ((seq - 1) % 3);
            assertEquals(kind == 1 ? 1 + KEYS.length : 1, span.getAttributesCount(), "span " + seq);
            if (kind == 2) {
                assertEquals(seq, TestSpans.idLong(span.getSpanId(), 0), "ring-API span " + seq);
            }
        }
        exporter.decodedRequests().forEach(request -> request.getResourceSpans(0).getScopeSpansList().forEach(scopeSpans -> {
            boolean spanApiScope = scopeSpans.getScope().getName().equals("io.ringtrace.test");
            scopeSpans.getSpansList().forEach(span -> assertEquals(spanApiScope,
                    span.getAttributes(0).getValue().getIntValue() % 3 != 0, "a span under the wrong scope"));
        }));
        RingApiTest.assertAccounting(engine, 3L * rounds, 3L * rounds);
    }

    @Test
    void aRingTooLargeForAPackingAreaCopiesEverySpanIntoItsSlot() {
        SpanRecord span = new SpanRecord(io.ringtrace.codec.SpanLimits.defaults()).scope(TestSpans.SCOPE)
                .traceId(1, 2).spanId(3).name(TestSpans.NAME);
        SpanRecord slot = new SpanRecord(io.ringtrace.codec.SpanLimits.defaults());
        assertTrue((long) PackedSlots.MAX_PACKED_RING * PackedSlots.SLOT_BYTES <= Integer.MAX_VALUE,
                "the largest packing area must fit in one array");
        PackedSlots tooLarge = new PackedSlots(2 * PackedSlots.MAX_PACKED_RING, io.ringtrace.codec.SpanLimits.defaults());
        assertFalse(tooLarge.tryPack(7, span), "beyond it, no packing area: the span goes into its slot");
        assertTrue(tooLarge.span(7, slot) == slot);
    }

    @Test
    void aSpanEndedOnAnotherThreadIsPackedByThatThread() throws Exception {
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter).build());
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        Span[] started = new Span[20]; // within spansPerThread (32)
        for (int i = 0; i < started.length; i++) {
            started[i] = tracer.start(TestSpans.NAME);
            started[i].attribute(TestSpans.SEQ, i + 1);
        }
        CompletableFuture.runAsync(() -> {
            for (Span span : started) {
                span.end();
            }
        }).get(10, TimeUnit.SECONDS);
        assertTrue(engine.flush(Duration.ofSeconds(10)));

        Map<Long, io.opentelemetry.proto.trace.v1.Span> bySeq = new HashMap<>();
        for (io.opentelemetry.proto.trace.v1.Span span : exporter.decodedSpans()) {
            assertNull(bySeq.put(span.getAttributes(0).getValue().getIntValue(), span), "a span arrived twice");
            assertFalse(span.getSpanId().isEmpty());
        }
        assertEquals(started.length, bySeq.size());
        RingApiTest.assertAccounting(engine, started.length, started.length);
    }
}
