package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.engine.testing.WireCountingExporter;
import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;

/**
 * Steady state allocates nothing per span: several producer threads publish through the ring API
 * and through the span API, and the serializer thread encodes, batches and hands requests to a
 * non-allocating exporter. Measured with {@code ThreadMXBean#getThreadAllocatedBytes} per thread
 * after a warm-up, as the least of a few rounds (one-off JIT and class-loading work can land in any
 * round; allocation per span would show in every round). The deliberately allocating variant shows
 * the measurement can fail.
 */
class ZeroAllocationTest extends LeakCheckingTestBase {

    private static final int PRODUCERS = 3;
    private static final int WARMUP_SPANS = 30_000;
    private static final int MEASURED_SPANS = 20_000;
    private static final int ROUNDS = 3;

    /** One producer's work for one span; {@code id} is unique. */
    @FunctionalInterface
    private interface Producer {
        void produce(TraceEngine engine, Tracer tracer, long id, StringBuilder scratch);
    }

    private static final Producer RING_API = (engine, tracer, id, scratch) -> {
        scratch.setLength(0);
        scratch.append("/orders/").append(id & 1023); // a reused builder: encoded into the slot
        long seq = engine.claim();
        try {
            TestSpans.fill(engine.record(seq), id, scratch);
        } finally {
            engine.publish(seq);
        }
    };

    /** An incoming request's context with a trace state; only read by the producers. */
    private static final TraceContext REMOTE = new TraceContext();

    static {
        W3cTraceContext.parseTraceParent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", REMOTE);
        W3cTraceContext.parseTraceState("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7", REMOTE);
    }

    private static final Producer SPAN_API = (engine, tracer, id, scratch) -> {
        // a remote parent: its trace state is checked and copied, the flags carry the is-remote bits
        Span parent = tracer.start(TestSpans.NAME, SpanKind.SERVER, REMOTE);
        parent.attribute(TestSpans.ROUTE, "/orders/{id}").attribute(TestSpans.STATUS, 200L);
        Span child = tracer.start(TestSpans.NAME);
        child.attribute(TestSpans.RATIO, 0.25).attribute(TestSpans.CACHED, true).addLink(REMOTE);
        child.end();
        child.end(); // a repeated end: counted, nothing else
        parent.end();
    };

    private static final Utf8Constant[] BIG_KEYS = new Utf8Constant[40];

    static {
        for (int i = 0; i < BIG_KEYS.length; i++) {
            BIG_KEYS[i] = Utf8Constant.of("attribute.number." + i);
        }
    }

    /** A span bigger than its 256-byte slot, written in place: it moves into an overflow buffer. */
    private static final Producer RING_API_OVERFLOWING = (engine, tracer, id, scratch) -> {
        long seq = engine.claim();
        try {
            SpanRecord r = TestSpans.fill(engine.record(seq), id, "/orders/{id}");
            for (Utf8Constant key : BIG_KEYS) {
                r.attribute(key, id);
            }
        } finally {
            engine.publish(seq);
        }
    };

    /** A span bigger than its slot through the span API: end() copies it into an overflow buffer. */
    private static final Producer SPAN_API_OVERFLOWING = (engine, tracer, id, scratch) -> {
        Span span = tracer.start(TestSpans.NAME);
        for (Utf8Constant key : BIG_KEYS) {
            span.attribute(key, id);
        }
        span.end();
    };

    /** The same span, plus one allocation per span: what the check must catch. */
    private static final Producer ALLOCATING_RING_API = (engine, tracer, id, scratch) -> {
        long seq = engine.claim();
        try {
            TestSpans.fill(engine.record(seq), id, Long.toString(id)); // a new String per span
        } finally {
            engine.publish(seq);
        }
    };

    /** Receives the exported spans' ids on the serializer thread; allocates nothing. */
    private static final WireCountingExporter.SpanSink NO_SINK = (high, low, spanId) -> { };

    /** Keeps the allocating sink's arrays reachable, so escape analysis cannot remove them. */
    private static volatile long[] lastSeen;

    /** Allocates one array per exported span on the serializer thread: what that check must catch. */
    private static final WireCountingExporter.SpanSink ALLOCATING_SINK =
            (high, low, spanId) -> lastSeen = new long[] {high, low, spanId};

    @Test
    void ringApiProducersAndSerializerAllocateNothingPerSpan() throws Exception {
        long[] bytes = measure(RING_API, NO_SINK);
        for (int p = 0; p < PRODUCERS; p++) {
            assertEquals(0, bytes[p], "producer " + p + " allocated bytes while publishing " + MEASURED_SPANS + " spans");
        }
        assertEquals(0, bytes[PRODUCERS], "serializer thread allocated bytes");
    }

    @Test
    void spanApiProducersAndSerializerAllocateNothingPerSpan() throws Exception {
        long[] bytes = measure(SPAN_API, NO_SINK);
        for (int p = 0; p < PRODUCERS; p++) {
            assertEquals(0, bytes[p], "producer " + p + " allocated bytes while starting/ending spans");
        }
        assertEquals(0, bytes[PRODUCERS], "serializer thread allocated bytes");
    }

    @Test
    void ringApiSpansBiggerThanASlotAllocateNothingPerSpan() throws Exception {
        long[] bytes = measure(RING_API_OVERFLOWING, NO_SINK, true);
        for (int p = 0; p < PRODUCERS; p++) {
            assertEquals(0, bytes[p], "producer " + p + " allocated bytes while publishing big spans");
        }
        assertEquals(0, bytes[PRODUCERS], "serializer thread allocated bytes");
    }

    @Test
    void spanApiSpansBiggerThanASlotAllocateNothingPerSpan() throws Exception {
        long[] bytes = measure(SPAN_API_OVERFLOWING, NO_SINK, true);
        for (int p = 0; p < PRODUCERS; p++) {
            assertEquals(0, bytes[p], "producer " + p + " allocated bytes while ending big spans");
        }
        assertEquals(0, bytes[PRODUCERS], "serializer thread allocated bytes");
    }

    @Test
    void theCheckFailsOnADeliberatelyAllocatingProducer() throws Exception {
        long[] bytes = measure(ALLOCATING_RING_API, NO_SINK);
        for (int p = 0; p < PRODUCERS; p++) {
            assertTrue(bytes[p] >= 16L * MEASURED_SPANS,
                    "the measurement must see a String per span (>= 16 B each), saw " + bytes[p] + " B");
        }
    }

    @Test
    void theSerializerCheckFailsWhenTheSerializerThreadAllocates() throws Exception {
        long[] bytes = measure(RING_API, ALLOCATING_SINK); // the exporter runs on the serializer thread
        assertTrue(bytes[PRODUCERS] >= 16L * PRODUCERS * MEASURED_SPANS,
                "the serializer's measurement must see an array per span (>= 16 B each), saw " + bytes[PRODUCERS] + " B");
    }

    /**
     * Runs the producers and measures each round; returns, per producer thread and for the serializer
     * (last element), the least bytes allocated in any measured round.
     */
    private long[] measure(Producer producer, WireCountingExporter.SpanSink sink) throws Exception {
        return measure(producer, sink, false);
    }

    /** @param overflowing small slots and twice as many overflow buffers as slots, so no big span is dropped */
    private long[] measure(Producer producer, WireCountingExporter.SpanSink sink, boolean overflowing) throws Exception {
        WireCountingExporter exporter = new WireCountingExporter(sink);
        TraceEngineBuilder builder = TraceEngine.builder().name("alloc").exporter(exporter)
                .ringSize(4096).maxExportBatchSize(512).overloadPolicy(OverloadPolicy.BLOCK);
        if (overflowing) {
            builder.ringSize(512).slotBytes(256).overflowBuffers(1024);
        }
        TraceEngine engine = closeAfter(builder.build());
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        Thread serializer = ThreadAllocation.named("ringtrace-serializer-alloc");
        AtomicLongArray least = new AtomicLongArray(PRODUCERS + 1);
        for (int i = 0; i <= PRODUCERS; i++) {
            least.set(i, Long.MAX_VALUE);
        }
        AtomicLong serializerBefore = new AtomicLong();
        // barrier actions run once per phase: bracket the serializer's measurement by flushes
        CyclicBarrier start = new CyclicBarrier(PRODUCERS, () -> {
            engine.flush(Duration.ofSeconds(10));
            serializerBefore.set(ThreadAllocation.of(serializer));
        });
        CyclicBarrier end = new CyclicBarrier(PRODUCERS, () -> {
            engine.flush(Duration.ofSeconds(10));
            long used = ThreadAllocation.of(serializer) - serializerBefore.get();
            least.set(PRODUCERS, Math.min(least.get(PRODUCERS), used));
        });
        Thread[] threads = new Thread[PRODUCERS];
        Throwable[] failure = new Throwable[1];
        for (int p = 0; p < PRODUCERS; p++) {
            int index = p;
            threads[p] = new Thread(() -> {
                try {
                    StringBuilder scratch = new StringBuilder(64);
                    long id = ((long) index + 1) << 40;
                    for (int i = 0; i < WARMUP_SPANS; i++) {
                        producer.produce(engine, tracer, ++id, scratch);
                    }
                    for (int round = 0; round < ROUNDS; round++) {
                        start.await();
                        long before = ThreadAllocation.current();
                        for (int i = 0; i < MEASURED_SPANS; i++) {
                            producer.produce(engine, tracer, ++id, scratch);
                        }
                        long used = ThreadAllocation.current() - before;
                        least.set(index, Math.min(least.get(index), used));
                        end.await();
                    }
                } catch (Throwable t) {
                    failure[0] = t;
                }
            }, "alloc-producer-" + p);
            threads[p].start();
        }
        for (Thread t : threads) {
            t.join(120_000);
        }
        if (failure[0] != null) {
            throw new AssertionError("producer failed", failure[0]);
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(0, exporter.malformed());
        assertEquals(stats.published(), stats.exported(), "no span lost during the measurement: " + stats);
        assertEquals(stats.exported(), exporter.spans());
        long[] out = new long[PRODUCERS + 1];
        for (int i = 0; i <= PRODUCERS; i++) {
            out[i] = least.get(i);
        }
        return out;
    }
}
