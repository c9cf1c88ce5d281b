package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several producers, ring sizes from 2 to 65536, spans of random size and content: every published
 * span arrives exactly once and intact (decoded with the official OTLP classes and compared with
 * content regenerated from its id), the accounting invariant holds, {@code DROP} counts every drop
 * exactly, and {@code BLOCK} loses nothing. Bounded: 3 producers x {@value #SPANS_PER_PRODUCER}
 * spans per case.
 */
class ConcurrencyTest extends LeakCheckingTestBase {

    private static final int PRODUCERS = 3;
    private static final int SPANS_PER_PRODUCER = 4_000;
    private static final SpanLimits LIMITS = SpanLimits.builder()
            .textBytes(128).attributeBytes(1024).eventBytes(512).linkBytes(64).maxEvents(4).maxLinks(1).build();
    private static final Utf8Constant[] KEYS = new Utf8Constant[8];
    private static final Utf8Constant[] EVENT_NAMES = {Utf8Constant.of("e0"), Utf8Constant.of("e1"), Utf8Constant.of("e2")};
    private static final Utf8Constant SEQ = Utf8Constant.of("seq");

    static {
        for (int i = 0; i < KEYS.length; i++) {
            KEYS[i] = Utf8Constant.of("key." + i);
        }
    }

    private final InMemorySpanExporter exporter = new InMemorySpanExporter();

    @ParameterizedTest(name = "ring size {0}")
    @ValueSource(ints = {2, 16, 1024, 65536})
    void dropPolicyCountsEveryDropExactlyAndDeliversTheRestIntact(int ringSize) throws Exception {
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter).ringSize(ringSize).spanLimits(LIMITS)
                .maxExportBatchSize(97).maxRequestBytes(64 * 1024).build());
        AtomicLong refused = new AtomicLong();
        boolean[][] published = new boolean[PRODUCERS][SPANS_PER_PRODUCER];
        runProducers(p -> {
            StringBuilder scratch = new StringBuilder();
            for (int i = 0; i < SPANS_PER_PRODUCER; i++) {
                long id = id(p, i);
                long seq = engine.tryClaim();
                if (seq < 0) {
                    assertEquals(TraceEngine.RING_FULL, seq);
                    refused.incrementAndGet();
                    continue;
                }
                try {
                    fillRandom(engine.record(seq).traceId(id, ~id).spanId(id).scope(TestSpans.SCOPE), id, scratch);
                } finally {
                    engine.publish(seq);
                }
                published[p][i] = true;
            }
        });
        assertTrue(engine.flush(Duration.ofSeconds(30)));

        Map<Long, io.opentelemetry.proto.trace.v1.Span> arrived = decodeBySpanId();
        long expected = 0;
        for (int p = 0; p < PRODUCERS; p++) {
            for (int i = 0; i < SPANS_PER_PRODUCER; i++) {
                long id = id(p, i);
                io.opentelemetry.proto.trace.v1.Span span = arrived.get(id);
                if (published[p][i]) {
                    expected++;
                    assertTrue(span != null, "published span " + id + " did not arrive");
                    assertEquals(id, TestSpans.idLong(span.getTraceId(), 0));
                    assertEquals(~id, TestSpans.idLong(span.getTraceId(), 8));
                    assertIntact(span, id);
                } else {
                    assertNull(span, "a refused span arrived");
                }
            }
        }
        assertEquals(expected, arrived.size());
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(refused.get(), stats.dropped(DropReason.RING_FULL), "every refused claim counted once");
        assertEquals(refused.get(), stats.droppedTotal());
        RingApiTest.assertAccounting(engine, (long) PRODUCERS * SPANS_PER_PRODUCER, expected);
    }

    @ParameterizedTest(name = "ring size {0}")
    @ValueSource(ints = {2, 16, 1024, 65536})
    void blockPolicyLosesNothingThroughTheSpanApi(int ringSize) throws Exception {
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter).ringSize(ringSize).spanLimits(LIMITS)
                .overloadPolicy(OverloadPolicy.BLOCK).maxExportBatchSize(61).maxRequestBytes(32 * 1024).build());
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        runProducers(p -> {
            StringBuilder scratch = new StringBuilder();
            for (int i = 0; i < SPANS_PER_PRODUCER; i += 2) {
                long parentId = id(p, i);
                long childId = id(p, i + 1);
                Span parent = tracer.start(TestSpans.NAME);
                parent.attribute(SEQ, parentId);
                fillRandom(parent.record(), parentId, scratch);
                Span child = tracer.start(TestSpans.NAME);
                child.attribute(SEQ, childId);
                fillRandom(child.record(), childId, scratch);
                child.end();
                parent.end();
            }
        });
        assertTrue(engine.flush(Duration.ofSeconds(30)));

        Map<Long, io.opentelemetry.proto.trace.v1.Span> bySeq = new HashMap<>();
        Map<Long, io.opentelemetry.proto.trace.v1.Span> bySpanId = decodeBySpanId();
        for (io.opentelemetry.proto.trace.v1.Span span : bySpanId.values()) {
            long seq = span.getAttributes(0).getValue().getIntValue();
            assertNull(bySeq.put(seq, span), "span " + seq + " arrived twice");
        }
        assertEquals(PRODUCERS * SPANS_PER_PRODUCER, bySeq.size());
        for (int p = 0; p < PRODUCERS; p++) {
            for (int i = 0; i < SPANS_PER_PRODUCER; i += 2) {
                io.opentelemetry.proto.trace.v1.Span parent = bySeq.get(id(p, i));
                io.opentelemetry.proto.trace.v1.Span child = bySeq.get(id(p, i + 1));
                assertIntact(parent, id(p, i));
                assertIntact(child, id(p, i + 1));
                assertEquals(parent.getSpanId(), child.getParentSpanId());
                assertEquals(parent.getTraceId(), child.getTraceId());
            }
        }
        assertEquals(0, engine.stats(new EngineStats()).droppedTotal());
        RingApiTest.assertAccounting(engine, PRODUCERS * SPANS_PER_PRODUCER, PRODUCERS * SPANS_PER_PRODUCER);
    }

    private static long id(int producer, int i) {
        return ((producer + 1L) << 32) + i + 1;
    }

    /** Random attributes and events derived from {@code id}, so the verifier can regenerate them. */
    private static void fillRandom(SpanRecord record, long id, StringBuilder scratch) {
        SplittableRandom random = new SplittableRandom(id);
        record.name(TestSpans.NAME).startEpochNanos(id).endEpochNanos(id + 1000);
        int attributes = random.nextInt(0, 6);
        for (int a = 0; a < attributes; a++) {
            switch (random.nextInt(4)) {
                case 0:
                    scratch.setLength(0);
                    int length = random.nextInt(0, 60);
                    for (int c = 0; c < length; c++) {
                        scratch.append((char) ('a' + random.nextInt(26)));
                    }
                    record.attribute(KEYS[a], scratch);
                    break;
                case 1:
                    record.attribute(KEYS[a], random.nextLong());
                    break;
                case 2:
                    record.attribute(KEYS[a], random.nextDouble());
                    break;
                default:
                    record.attribute(KEYS[a], random.nextBoolean());
            }
        }
        int events = random.nextInt(0, 3);
        for (int e = 0; e < events; e++) {
            record.addEvent(EVENT_NAMES[e], id + e);
        }
    }

    /** Checks the decoded span against content regenerated from its id. */
    private static void assertIntact(io.opentelemetry.proto.trace.v1.Span span, long id) {
        SplittableRandom random = new SplittableRandom(id);
        assertEquals("GET /orders/{id}", span.getName());
        assertEquals(id, span.getStartTimeUnixNano());
        if (span.getAttributesCount() == 0 || !span.getAttributes(0).getKey().equals("seq")) {
            assertEquals(id + 1000, span.getEndTimeUnixNano()); // the span API's end() sets the real end time
        }
        int attributes = random.nextInt(0, 6);
        int offset = span.getAttributesCount() - attributes; // the span API's "seq" comes first
        assertTrue(offset == 0 || offset == 1, "attribute count of span " + id);
        assertEquals(0, span.getDroppedAttributesCount());
        for (int a = 0; a < attributes; a++) {
            KeyValue kv = span.getAttributes(offset + a);
            assertEquals("key." + a, kv.getKey());
            AnyValue value = kv.getValue();
            switch (random.nextInt(4)) {
                case 0:
                    int length = random.nextInt(0, 60);
                    StringBuilder expected = new StringBuilder();
                    for (int c = 0; c < length; c++) {
                        expected.append((char) ('a' + random.nextInt(26)));
                    }
                    assertEquals(expected.toString(), value.getStringValue());
                    break;
                case 1:
                    assertEquals(random.nextLong(), value.getIntValue());
                    break;
                case 2:
                    assertEquals(random.nextDouble(), value.getDoubleValue());
                    break;
                default:
                    assertEquals(random.nextBoolean(), value.getBoolValue());
            }
        }
        int events = random.nextInt(0, 3);
        assertEquals(events, span.getEventsCount());
        for (int e = 0; e < events; e++) {
            assertEquals("e" + e, span.getEvents(e).getName());
            assertEquals(id + e, span.getEvents(e).getTimeUnixNano());
        }
    }

    private Map<Long, io.opentelemetry.proto.trace.v1.Span> decodeBySpanId() {
        Map<Long, io.opentelemetry.proto.trace.v1.Span> bySpanId = new HashMap<>();
        for (io.opentelemetry.proto.trace.v1.Span span : exporter.decodedSpans()) {
            long id = TestSpans.idLong(span.getSpanId(), 0);
            assertNull(bySpanId.put(id, span), "span " + id + " arrived twice");
        }
        return bySpanId;
    }

    /** A producer's work; runs on its own thread. */
    @FunctionalInterface
    private interface ProducerBody {
        void run(int producer) throws Exception;
    }

    private static void runProducers(ProducerBody body) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[PRODUCERS];
        Throwable[] failures = new Throwable[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++) {
            int index = p;
            threads[p] = new Thread(() -> {
                try {
                    go.await();
                    body.run(index);
                } catch (Throwable t) {
                    failures[index] = t;
                }
            }, "producer-" + p);
            threads[p].start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join(60_000);
            assertTrue(!t.isAlive(), "producer still running after 60 s");
        }
        for (Throwable failure : failures) {
            if (failure != null) {
                throw new AssertionError("producer failed", failure);
            }
        }
    }
}
