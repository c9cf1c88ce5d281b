package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Spans bigger than a ring slot: through both APIs they move into an overflow buffer and are
 * exported whole; every buffer comes back once its span is read (also from a ring-API record reset
 * after it overflowed); with no buffer free the span is dropped whole as {@code SPAN_TOO_LARGE},
 * never sent cut, and the accounting adds up.
 */
class SlotOverflowTest extends LeakCheckingTestBase {

    private static final int BIG = 40;
    private static final Utf8Constant[] KEYS = new Utf8Constant[BIG];

    static {
        for (int i = 0; i < BIG; i++) {
            KEYS[i] = Utf8Constant.of("attribute.number." + i);
        }
    }

    private TraceEngine engine(InMemorySpanExporter exporter, int overflowBuffers) {
        return closeAfter(TraceEngine.builder().name("overflow").ringSize(64).slotBytes(256)
                .overflowBuffers(overflowBuffers).exporter(exporter).scheduleDelay(Duration.ofMillis(20)).build());
    }

    private static void bigRingSpan(TraceEngine engine, long id) {
        long seq = engine.claim();
        try {
            SpanRecord r = TestSpans.fill(engine.record(seq), id, "/big");
            for (int i = 0; i < BIG; i++) {
                r.attribute(KEYS[i], "value of attribute " + i);
            }
        } finally {
            engine.publish(seq);
        }
    }

    private static void bigSpanApiSpan(Tracer tracer) {
        Span span = tracer.start(TestSpans.NAME);
        for (int i = 0; i < BIG; i++) {
            span.attribute(KEYS[i], (long) i);
        }
        span.end();
    }

    @Test
    void bigSpansOfBothApisAreExportedWholeAndTheirBuffersComeBack() throws Exception {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = engine(exporter, 4);
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        for (int i = 1; i <= 20; i++) {
            bigRingSpan(engine, i);
            bigSpanApiSpan(tracer);
            assertTrue(TestSpans.publish(engine, 1000 + i, "/small"));
            assertTrue(engine.flush(Duration.ofSeconds(10))); // at most 2 buffers taken at a time
        }
        var spans = exporter.decodedSpans();
        assertEquals(60, spans.size());
        int big = 0;
        for (var span : spans) {
            if (span.getAttributesCount() >= BIG) {
                big++;
                assertEquals(0, span.getDroppedAttributesCount());
                assertEquals("attribute.number." + (BIG - 1), span.getAttributes(span.getAttributesCount() - 1).getKey());
            }
        }
        assertEquals(40, big, "every big span whole");
        assertEquals(0, engine.overflowBuffersTaken(), "every overflow buffer returned");
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(60, stats.exported());
        assertEquals(0, stats.droppedTotal());
        assertEquals(40, stats.spansOverflowed(), "the big spans, and only they, came from overflow buffers");
    }

    /**
     * Several producers, every span bigger than its slot, twice as many buffers as slots (a buffer is
     * held from the moment a span outgrows its slot until the serializer has read it, and a claim's
     * scan may miss one given back behind it): no span is dropped, and all buffers come back.
     */
    @Test
    void twiceAsManyBuffersAsSlotsAreEnoughUnderConcurrentLoad() throws Exception {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = closeAfter(TraceEngine.builder().name("overflow").ringSize(64).slotBytes(256)
                .overflowBuffers(128).overloadPolicy(OverloadPolicy.BLOCK).exporter(exporter).build());
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        int producers = 3;
        int spans = 20_000;
        Thread[] threads = new Thread[producers];
        for (int p = 0; p < producers; p++) {
            int index = p;
            threads[p] = new Thread(() -> {
                for (int i = 1; i <= spans; i++) {
                    if ((i & 1) == 0) {
                        bigRingSpan(engine, ((long) index + 1) << 32 | i);
                    } else {
                        bigSpanApiSpan(tracer);
                    }
                }
            });
            threads[p].start();
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(0, stats.droppedTotal(), stats.toString());
        assertEquals((long) producers * spans, stats.exported());
        assertEquals(0, engine.overflowBuffersTaken(), "every overflow buffer returned");
    }

    @Test
    void aRingRecordResetAfterItOverflowedGivesItsBufferBack() throws Exception {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = engine(exporter, 1);
        for (int i = 1; i <= 5; i++) {
            long seq = engine.claim();
            try {
                SpanRecord r = TestSpans.fill(engine.record(seq), i, "/big");
                for (int k = 0; k < BIG; k++) {
                    r.attribute(KEYS[k], k);
                }
                assertEquals(1, engine.overflowBuffersTaken());
                TestSpans.fill(r.reset(), i, "/small"); // started over: the buffer goes back at once
                assertEquals(0, engine.overflowBuffersTaken());
            } finally {
                engine.publish(seq);
            }
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(5, exporter.decodedSpans().size());
    }

    @Test
    void withNoBufferFreeABigSpanIsDroppedWholeAsTooLarge() throws Exception {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = engine(exporter, 0);
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        bigRingSpan(engine, 1);
        bigSpanApiSpan(tracer);
        assertTrue(TestSpans.publish(engine, 2, "/small"));
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(2, stats.dropped(DropReason.SPAN_TOO_LARGE), stats.toString());
        assertEquals(1, stats.exported());
        assertEquals(stats.published(), stats.exported() + stats.droppedTotal(), stats.toString());
        assertEquals(1, exporter.decodedSpans().size());
        assertEquals("/small", exporter.decodedSpans().get(0).getAttributes(0).getValue().getStringValue());
    }
}
