package io.ringtrace.engine;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * The log child program of {@link EpsilonGcTest}: runs {@code records} log records from two producer
 * threads through the logger API (inside a span of a correlated span engine) -> ring -> serializer
 * -> an exporter that counts each request's records and completes it at once, allocating nothing.
 * Run under {@code -XX:+UseEpsilonGC} with a small heap, where any steady allocation ends in an
 * {@link OutOfMemoryError}. Prints one {@code RESULT} line; exit code 0 only if every record was
 * exported and none dropped.
 */
public final class EpsilonLogPipelineMain {

    private static final int PRODUCERS = 2;
    private static final int WARMUP_PER_PRODUCER = 50_000;
    private static final InstrumentationScope SCOPE = InstrumentationScope.of("epsilon.logs");
    private static final Utf8Constant SEQ = Utf8Constant.of("seq");
    private static final Utf8Constant NAME = Utf8Constant.of("epsilon span");

    private EpsilonLogPipelineMain() {}

    /** Completes every request at once; counts records on the serializer thread. */
    private static final class CountingExporter implements SpanExporter {
        volatile long records;

        @Override
        public void export(ExportRequest request) {
            records += request.spanCount(); // the serializer thread only
            request.succeeded(0);
        }

        @Override
        public void shutdown(long deadlineNanoTime) {
        }
    }

    /**
     * @param args {@code [records [allocating]]}: records measured after a warm-up of 100,000
     *     (default 1,000,000); {@code allocating} makes each record allocate a String (the variant
     *     that must fail)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        boolean allocating = args.length > 1 && args[1].equals("allocating");
        int perProducer = records / PRODUCERS + WARMUP_PER_PRODUCER;
        long total = (long) perProducer * PRODUCERS;
        CountingExporter exporter = new CountingExporter();
        TraceEngine traces = TraceEngine.builder().name("epsilon-traces").exporter(new CountingExporter())
                .ringSize(1024).build();
        LogEngine logs = LogEngine.builder().name("epsilon-logs").exporter(exporter).traceEngine(traces).ringSize(1024)
                .maxRequestBytes(256 * 1024).overloadPolicy(OverloadPolicy.BLOCK).build();
        Logger logger = logs.logger(SCOPE);
        Tracer tracer = traces.tracer(SCOPE);

        Thread[] producers = new Thread[PRODUCERS];
        java.util.concurrent.CyclicBarrier warm = new java.util.concurrent.CyclicBarrier(PRODUCERS + 1);
        for (int p = 0; p < PRODUCERS; p++) {
            producers[p] = new Thread(() -> {
                StringBuilder body = new StringBuilder(32);
                try {
                    Span span = tracer.start(NAME); // every record carries its ids
                    for (long i = 0; i < perProducer; i++) {
                        if (i == WARMUP_PER_PRODUCER) {
                            warm.await();
                        }
                        body.setLength(0);
                        body.append("order ").append(i & 1023).append(" placed");
                        logger.atInfo().body(allocating ? Long.toString(i) : body).attribute(SEQ, i).emit();
                    }
                    span.end();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "epsilon-log-producer-" + p);
            producers[p].start();
        }
        warm.await();
        long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        for (Thread producer : producers) {
            producer.join();
        }
        boolean flushed = logs.flush(Duration.ofSeconds(60));
        long heapAfter = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        EngineStats stats = logs.stats(new EngineStats());
        boolean closed = logs.close(Duration.ofSeconds(10)) & traces.close(Duration.ofSeconds(10));

        long measured = total - (long) PRODUCERS * WARMUP_PER_PRODUCER;
        boolean ok = flushed && closed && exporter.records == total && stats.exported() == total
                && stats.published() == total && stats.droppedTotal() == 0;
        System.out.println("RESULT ok=" + ok + " records=" + total + " measured=" + measured + " arrived="
                + exporter.records + " heapDeltaBytes=" + (heapAfter - heapBefore) + " heapUsedBytes=" + heapAfter
                + " stats=" + stats);
        System.exit(ok ? 0 : 1);
    }
}
