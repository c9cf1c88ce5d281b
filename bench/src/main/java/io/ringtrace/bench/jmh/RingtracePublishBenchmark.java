package io.ringtrace.bench.jmh;

import io.ringtrace.bench.ChronicleFlags;
import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.bench.RingtraceShape;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.Ids;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import io.ringtrace.engine.export.DropReason;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Publish cost of one typical span for ringtrace: what a producer thread pays per span,
 * 1 and 2 producer threads, with the serializer stage running and encoding every span into off-heap
 * OTLP requests, and an exporter that completes each request at once (no I/O). Engine defaults
 * (ring 8192, overload policy DROP, batch 512). Compare with {@link PublishBenchmark}'s
 * {@code exporter=marshal} (the SDK doing the same work) and {@code exporter=discard} (the SDK's bare
 * hand-off). Each trial prints a {@code [delivery]} line: read every score with its drop share.
 *
 * <ul>
 *   <li>{@code ring*}: the ring API: {@code tryClaim()}, fill the slot's {@link SpanRecord} (ids,
 *       times, name, 4 attributes, 1 event), {@code publish()}; a full ring refuses the span.</li>
 *   <li>{@code span*}: the span API: {@code tracer.start(name, SERVER)}, 4 attributes, 1 event,
 *       {@code end()}: the same calls an SDK user makes.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_REFLECT, ChronicleFlags.EXPORTS_REF,
        ChronicleFlags.EXPORTS_NIO_CH, ChronicleFlags.NO_ANALYTICS})
public class RingtracePublishBenchmark {

    /** A ringtrace engine with its defaults and a discarding exporter. */
    @State(Scope.Benchmark)
    public static class Engine {
        TraceEngine engine;
        Tracer tracer;
        DiscardingSpanExporter exporter;
        final AtomicLong published = new AtomicLong();
        long startNanos;

        /** Starts the engine. */
        @Setup(Level.Trial)
        public void start() {
            exporter = new DiscardingSpanExporter();
            engine = TraceEngine.builder()
                    .resource(RingtraceShape.resource())
                    .exporter(exporter)
                    .build();
            tracer = engine.tracer(RingtraceShape.SCOPE);
            startNanos = System.nanoTime();
        }

        /** Flushes, prints the delivery count and drops by reason, and closes the engine. */
        @TearDown(Level.Trial)
        public void stop() {
            engine.flush(Duration.ofSeconds(10));
            EngineStats stats = new EngineStats();
            engine.stats(stats);
            DeliveryReport.print("ringtrace", published.get(), exporter.exportedSpans(), System.nanoTime() - startNanos);
            System.out.printf("[delivery] ringtrace drops: ring full %,d, pool exhausted %,d%n",
                    stats.dropped(DropReason.RING_FULL), stats.dropped(DropReason.POOL_EXHAUSTED));
            engine.close(Duration.ofSeconds(10));
        }
    }

    /** Per-thread count of publish calls (a plain field: no shared write on the measured path). */
    @State(Scope.Thread)
    public static class Producer {
        long published;

        /**
         * Adds this thread's count to the engine's total.
         *
         * @param engine the shared engine
         */
        @TearDown(Level.Iteration)
        public void addUp(Engine engine) {
            engine.published.addAndGet(published);
            published = 0;
        }
    }

    /**
     * Ring API, one producer thread.
     *
     * @param engine the engine
     * @param producer this thread's tally
     * @return whether the span was accepted
     */
    @Benchmark
    @Threads(1)
    public boolean ring1Thread(Engine engine, Producer producer) {
        return publishViaRing(engine, producer);
    }

    /**
     * Ring API, two producer threads.
     *
     * @param engine the engine
     * @param producer this thread's tally
     * @return whether the span was accepted
     */
    @Benchmark
    @Threads(2)
    public boolean ring2Threads(Engine engine, Producer producer) {
        return publishViaRing(engine, producer);
    }

    /**
     * Span API, one producer thread.
     *
     * @param engine the engine
     * @param producer this thread's tally
     */
    @Benchmark
    @Threads(1)
    public void span1Thread(Engine engine, Producer producer) {
        RingtraceShape.recordSpan(engine.tracer);
        producer.published++;
    }

    /**
     * Span API, two producer threads.
     *
     * @param engine the engine
     * @param producer this thread's tally
     */
    @Benchmark
    @Threads(2)
    public void span2Threads(Engine engine, Producer producer) {
        RingtraceShape.recordSpan(engine.tracer);
        producer.published++;
    }

    private static boolean publishViaRing(Engine engine, Producer producer) {
        producer.published++;
        long sequence = engine.engine.tryClaim();
        if (sequence < 0) {
            return false; // ring full: counted by the engine as dropped (RING_FULL)
        }
        try {
            RingtraceShape.fillLive(engine.engine.record(sequence), engine.engine);
        } finally {
            engine.engine.publish(sequence); // a claimed slot is always published
        }
        return true;
    }

}
