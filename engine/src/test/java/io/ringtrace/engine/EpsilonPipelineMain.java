package io.ringtrace.engine;

import io.ringtrace.codec.SpanLimits;
import io.ringtrace.engine.testing.WireCountingExporter;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * The child program of {@link EpsilonGcTest}: runs {@code spans} spans from two producer threads
 * through ring -> serializer -> a non-allocating exporter that walks the protobuf wire format and
 * checks every span's ids against a bit set (exactly once). Run under {@code -XX:+UseEpsilonGC} with
 * a small heap, where any steady allocation ends in an {@link OutOfMemoryError}. Prints one
 * {@code RESULT} line; exit code 0 only if every span arrived once and intact.
 */
public final class EpsilonPipelineMain {

    private static final int PRODUCERS = 2;
    private static final int WARMUP_PER_PRODUCER = 50_000;

    private EpsilonPipelineMain() {}

    /**
     * @param args {@code [spans [allocating]]}: spans measured after a warm-up of 100,000 (default
     *     1,000,000); {@code allocating} makes each span allocate a String (the variant that must fail)
     * @throws Exception on failure
     */
    public static void main(String[] args) throws Exception {
        int spans = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        boolean allocating = args.length > 1 && args[1].equals("allocating");
        int perProducer = spans / PRODUCERS + WARMUP_PER_PRODUCER;
        long total = (long) perProducer * PRODUCERS;
        long[] seen = new long[(int) (total >>> 6) + 1];
        long[] problems = new long[2]; // [0] duplicates, [1] bad ids; written by the serializer thread only
        WireCountingExporter exporter = new WireCountingExporter((high, low, spanId) -> {
            long index = spanId - 1;
            if (index < 0 || index >= total || high != TestSpans.traceHigh(spanId) || low != TestSpans.traceLow(spanId)) {
                problems[1]++;
                return;
            }
            long bit = 1L << index;
            int word = (int) (index >>> 6);
            if ((seen[word] & bit) != 0) {
                problems[0]++;
            }
            seen[word] |= bit;
        });
        SpanLimits limits = SpanLimits.builder().textBytes(128).attributeBytes(512).eventBytes(128).linkBytes(64)
                .maxEvents(2).maxLinks(1).build();
        TraceEngine engine = TraceEngine.builder().name("epsilon").exporter(exporter).ringSize(1024).spanLimits(limits)
                .maxRequestBytes(256 * 1024).overloadPolicy(OverloadPolicy.BLOCK).build();

        Thread[] producers = new Thread[PRODUCERS];
        java.util.concurrent.CyclicBarrier warm = new java.util.concurrent.CyclicBarrier(PRODUCERS + 1);
        for (int p = 0; p < PRODUCERS; p++) {
            long first = (long) p * perProducer + 1;
            producers[p] = new Thread(() -> {
                StringBuilder route = new StringBuilder(32);
                try {
                    for (long i = 0; i < perProducer; i++) {
                        if (i == WARMUP_PER_PRODUCER) {
                            warm.await();
                        }
                        route.setLength(0);
                        route.append("/orders/").append(i & 1023);
                        TestSpans.publish(engine, first + i, allocating ? Long.toString(i) : route);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "epsilon-producer-" + p);
            producers[p].start();
        }
        warm.await();
        long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        for (Thread producer : producers) {
            producer.join();
        }
        boolean flushed = engine.flush(Duration.ofSeconds(60));
        long heapAfter = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        EngineStats stats = engine.stats(new EngineStats());
        boolean closed = engine.close(Duration.ofSeconds(10));

        long arrived = 0;
        for (long word : seen) {
            arrived += Long.bitCount(word);
        }
        long measured = total - (long) PRODUCERS * WARMUP_PER_PRODUCER;
        boolean ok = flushed && closed && arrived == total && problems[0] == 0 && problems[1] == 0
                && exporter.malformed() == 0 && stats.exported() == total && stats.droppedTotal() == 0;
        System.out.println("RESULT ok=" + ok + " spans=" + total + " measured=" + measured + " arrived=" + arrived
                + " duplicates=" + problems[0] + " badIds=" + problems[1] + " malformed=" + exporter.malformed()
                + " requests=" + exporter.requests() + " heapDeltaBytes=" + (heapAfter - heapBefore)
                + " heapUsedBytes=" + heapAfter + " stats=" + stats);
        System.exit(ok ? 0 : 1);
    }
}
