package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The log pipeline allocates nothing per record in steady state: a producer thread emits through
 * the logger API (inside a span of a correlated span engine, so the current span's ids are read)
 * or the ring API, and the serializer thread encodes, batches and hands requests to a
 * non-allocating exporter. Measured with {@code ThreadMXBean#getThreadAllocatedBytes} after a
 * warm-up, as the least of a few rounds; the allocating variants (a String per record on the
 * producer, an array per record on the serializer thread) show each measurement can fail.
 */
class LogAllocationTest extends LeakCheckingTestBase {

    private static final int WARMUP_RECORDS = 40_000;
    private static final int MEASURED_RECORDS = 20_000;
    private static final int ROUNDS = 3;
    private static final InstrumentationScope SCOPE = InstrumentationScope.of("com.example.orders");
    private static final Utf8Constant ORDER_ID = Utf8Constant.of("order.id");
    private static final Utf8Constant ROUTE = Utf8Constant.of("http.route");
    private static final Utf8Constant INFO = Utf8Constant.of("INFO");
    private static final Utf8Constant SPAN_NAME = Utf8Constant.of("handle order");

    /** One record; {@code id} is unique. */
    @FunctionalInterface
    private interface Producer {
        void produce(LogEngine logs, Logger logger, long id, StringBuilder scratch);
    }

    private static final Producer LOGGER_API = (logs, logger, id, scratch) -> {
        scratch.setLength(0);
        scratch.append("order ").append(id & 1023).append(" placed"); // a reused builder: encoded into the slot
        logger.atInfo().body(scratch).attribute(ORDER_ID, id).attribute(ROUTE, "/orders/{id}").emit();
    };

    private static final Producer RING_API = (logs, logger, id, scratch) -> {
        scratch.setLength(0);
        scratch.append("order ").append(id & 1023).append(" placed");
        long seq = logs.claim();
        try {
            logs.record(seq).scope(SCOPE).timestamp(id).severityNumber(9).severityText(INFO).body(scratch)
                    .attribute(ORDER_ID, id).traceId(1, id).spanId(id).traceFlags(1);
        } finally {
            logs.publish(seq);
        }
    };

    /** The logger API plus a new String per record: what the producer check must catch. */
    private static final Producer ALLOCATING_LOGGER_API = (logs, logger, id, scratch) ->
            logger.atInfo().body(Long.toString(id)).attribute(ORDER_ID, id).emit();

    /** Completes every request at once on the serializer thread; optionally allocates per record there. */
    private static final class CompletingExporter implements SpanExporter {
        private final boolean allocating;
        volatile long records;
        /** Keeps the allocating variant's arrays reachable, so escape analysis cannot remove them. */
        volatile long[] lastSeen;

        CompletingExporter(boolean allocating) {
            this.allocating = allocating;
        }

        @Override
        public void export(ExportRequest request) {
            if (allocating) {
                lastSeen = new long[2 * request.spanCount()]; // 16 B per record
            }
            records += request.spanCount(); // the serializer thread only
            request.succeeded(0);
        }

        @Override
        public void shutdown(long deadlineNanoTime) {
        }
    }

    @Test
    void loggerApiAndSerializerAllocateNothingPerRecord() {
        long[] bytes = measure(LOGGER_API, false);
        assertEquals(0, bytes[0], "producer allocated bytes while emitting " + MEASURED_RECORDS + " records");
        assertEquals(0, bytes[1], "serializer thread allocated bytes");
    }

    @Test
    void ringApiAndSerializerAllocateNothingPerRecord() {
        long[] bytes = measure(RING_API, false);
        assertEquals(0, bytes[0], "producer allocated bytes while publishing " + MEASURED_RECORDS + " records");
        assertEquals(0, bytes[1], "serializer thread allocated bytes");
    }

    @Test
    void theProducerCheckFailsOnADeliberatelyAllocatingProducer() {
        long[] bytes = measure(ALLOCATING_LOGGER_API, false);
        assertTrue(bytes[0] >= 16L * MEASURED_RECORDS, "the measurement must see a String per record, saw " + bytes[0] + " B");
    }

    @Test
    void theSerializerCheckFailsWhenTheSerializerThreadAllocates() {
        long[] bytes = measure(LOGGER_API, true);
        assertTrue(bytes[1] >= 16L * MEASURED_RECORDS, "the measurement must see 16 B per record, saw " + bytes[1] + " B");
    }

    /** @return the least bytes the producer (element 0) and the serializer (element 1) allocated in a round */
    private long[] measure(Producer producer, boolean allocatingExporter) {
        CompletingExporter exporter = new CompletingExporter(allocatingExporter);
        TraceEngine traces = closeAfter(TraceEngine.builder().name("log-alloc-traces")
                .exporter(new CompletingExporter(false)).build());
        LogEngine logs = closeAfter(LogEngine.builder().name("log-alloc").exporter(exporter).traceEngine(traces)
                .ringSize(4096).maxExportBatchSize(512).overloadPolicy(OverloadPolicy.BLOCK).build());
        Logger logger = logs.logger(SCOPE);
        Tracer tracer = traces.tracer(SCOPE);
        Thread serializer = ThreadAllocation.named("ringtrace-logs-serializer-log-alloc");
        StringBuilder scratch = new StringBuilder(64);
        long id = 0;
        Span span = tracer.start(SPAN_NAME); // the records of the warm-up and the rounds carry its ids
        for (int i = 0; i < WARMUP_RECORDS; i++) {
            producer.produce(logs, logger, ++id, scratch);
        }
        long leastProducer = Long.MAX_VALUE;
        long leastSerializer = Long.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            assertTrue(logs.flush(Duration.ofSeconds(10)));
            long serializerBefore = ThreadAllocation.of(serializer);
            long before = ThreadAllocation.current();
            for (int i = 0; i < MEASURED_RECORDS; i++) {
                producer.produce(logs, logger, ++id, scratch);
            }
            leastProducer = Math.min(leastProducer, ThreadAllocation.current() - before);
            assertTrue(logs.flush(Duration.ofSeconds(10)));
            leastSerializer = Math.min(leastSerializer, ThreadAllocation.of(serializer) - serializerBefore);
        }
        span.end();
        EngineStats stats = logs.stats(new EngineStats());
        assertEquals(id, stats.published());
        assertEquals(stats.published(), stats.exported(), "no record lost during the measurement: " + stats);
        assertEquals(stats.exported(), exporter.records);
        return new long[] {leastProducer, leastSerializer};
    }
}
