package io.ringtrace.examples;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanFlags;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.Ids;
import io.ringtrace.engine.TraceContext;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import io.ringtrace.testkit.OtlpReceiver;
import java.lang.management.ManagementFactory;
import java.time.Duration;

/**
 * The ring API, the lowest level: claim a ring slot when the span has ended, fill its record with
 * pre-encoded names and keys and primitive values, publish. This example measures what that costs
 * the producer thread in heap allocation, with {@link com.sun.management.ThreadMXBean}.
 *
 * <p>Run: {@code java $FLAGS -cp ... io.ringtrace.examples.RingApiExample [endpoint]} (no endpoint:
 * an embedded OTLP receiver on a free loopback port). Prints the bytes allocated per span: 0 in
 * steady state.
 */
public final class RingApiExample {

    // Everything the hot path names is encoded to UTF-8 once, here.
    static final InstrumentationScope SCOPE =
            InstrumentationScope.builder("io.ringtrace.examples.matching").version("1.0").build();
    static final Utf8Constant MATCH_ORDER = Utf8Constant.of("match order");
    static final Utf8Constant INSTRUMENT = Utf8Constant.of("instrument");
    static final Utf8Constant QUANTITY = Utf8Constant.of("quantity");
    static final Utf8Constant PRICE = Utf8Constant.of("price");
    static final Utf8Constant AGGRESSIVE = Utf8Constant.of("aggressive");
    private static final String[] INSTRUMENTS = {"EURUSD", "GBPUSD", "USDJPY", "XAUUSD"};

    /** Publishes span number {@code i} (the thing measured). */
    @FunctionalInterface
    public interface SpanPublisher {
        /**
         * @param engine the engine
         * @param i the span's number
         */
        void publish(TraceEngine engine, long i);
    }

    private RingApiExample() {}

    /**
     * One span through the ring API. The span's work is already done (its start and end times are
     * known): claim only now, so a claimed slot is published promptly and never holds back the
     * slots behind it.
     *
     * @param engine the engine
     * @param i the span's number (drives the attribute values)
     */
    public static void publishSpan(TraceEngine engine, long i) {
        long end = engine.nowEpochNanos();
        long start = end - 1_500 - (i & 1023);
        long traceIdHigh = Ids.randomTraceIdHigh();
        long traceIdLow = Ids.randomTraceIdLow();
        // the ring API leaves sampling to the caller: ask the engine's sampler (root span here)
        if (!engine.sampler().shouldSample(false, false, false, traceIdHigh, traceIdLow)) {
            return;
        }
        long sequence = engine.claim(); // waits while the ring is full; tryClaim() would drop instead
        if (sequence < 0) {
            return; // CLOSED or DISABLED: counted by the engine, nothing to publish
        }
        try {
            engine.record(sequence) // a clean, pre-allocated record
                    .scope(SCOPE)
                    .traceId(traceIdHigh, traceIdLow)
                    .spanId(Ids.randomSpanId())
                    .traceFlags(SpanFlags.of(TraceContext.SAMPLED_FLAG, false)) // sampled, no remote parent: 0x101
                    .name(MATCH_ORDER)
                    .kind(SpanKind.INTERNAL)
                    .startEpochNanos(start)
                    .endEpochNanos(end)
                    .attribute(INSTRUMENT, INSTRUMENTS[(int) (i & 3)]) // a CharSequence, encoded into the slot now
                    .attribute(QUANTITY, 100 + (i & 0xFF))
                    .attribute(PRICE, 1.0850 + (i & 7) * 0.0001)
                    .attribute(AGGRESSIVE, (i & 1) == 0);
        } finally {
            engine.publish(sequence); // always, exactly once, even if filling threw
        }
    }

    /**
     * Publishes {@code warmupSpans}, then {@code rounds} rounds of {@code spansPerRound} spans, and
     * returns the fewest bytes the calling thread allocated per span in a round. The least of several
     * rounds filters one-off JIT and class-loading allocations; code that allocates per span
     * allocates in every round.
     *
     * @param engine the engine to publish into
     * @param publisher what publishes one span
     * @param warmupSpans spans published before measuring (lets the JIT compile the path)
     * @param rounds measured rounds, at least 1
     * @param spansPerRound spans per measured round, at least 1
     * @return the smallest allocation per span of the rounds, in bytes
     */
    public static double bytesPerSpan(TraceEngine engine, SpanPublisher publisher, long warmupSpans, int rounds,
                                      long spansPerRound) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        for (long i = 0; i < warmupSpans; i++) {
            publisher.publish(engine, i);
        }
        double least = Double.MAX_VALUE;
        for (int round = 0; round < rounds; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (long i = 0; i < spansPerRound; i++) {
                publisher.publish(engine, i);
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            least = Math.min(least, (double) allocated / spansPerRound);
        }
        return least;
    }

    /**
     * What {@link #run} measured.
     *
     * @param bytesPerSpan bytes the producer thread allocated per span (least of the rounds)
     * @param stats the engine's counters after close
     */
    public record Result(double bytesPerSpan, EngineStats stats) {}

    /**
     * Runs the measurement against {@code endpoint} and prints the result and the engine's counters.
     *
     * @param endpoint the OTLP/gRPC endpoint
     * @param warmupSpans spans before measuring
     * @param rounds measured rounds
     * @param spansPerRound spans per round
     * @return bytes per span and the engine's stats after close
     */
    public static Result run(String endpoint, long warmupSpans, int rounds, long spansPerRound) {
        TraceEngine engine = TraceEngine.builder()
                .exporter(OtlpGrpcSpanExporter.builder().endpoint(endpoint).build())
                .build();
        double bytes;
        try {
            bytes = bytesPerSpan(engine, RingApiExample::publishSpan, warmupSpans, rounds, spansPerRound);
        } finally {
            engine.close(Duration.ofSeconds(10));
        }
        EngineStats stats = engine.stats(new EngineStats());
        System.out.printf("ring API: %.2f bytes allocated per span on the producer thread"
                        + " (ThreadMXBean; least of %d rounds of %d spans, after %d warm-up spans)%n",
                bytes, rounds, spansPerRound, warmupSpans);
        System.out.printf("published %d, exported %d, dropped %d%n", stats.published(), stats.exported(),
                stats.droppedTotal());
        return new Result(bytes, stats);
    }

    /**
     * @param args optional OTLP endpoint; without one, an embedded receiver is started
     * @throws InterruptedException if interrupted while waiting for the receiver
     */
    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0) {
            run(args[0], 200_000, 5, 50_000);
            return;
        }
        try (OtlpReceiver receiver = OtlpReceiver.builder().countOnly().start()) {
            EngineStats stats = run(receiver.endpoint(), 200_000, 5, 50_000).stats();
            receiver.awaitSpanCount(stats.exported(), Duration.ofSeconds(5));
            System.out.printf("the embedded receiver decoded %d spans%n", receiver.spanCount());
        }
    }
}
