package io.ringtrace.bench.jmh;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.ringtrace.bench.ChronicleFlags;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.bench.sdk.CountingDiscardExporter;
import io.ringtrace.bench.sdk.SdkShape;
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
 * Publish cost of one typical span (issue 3): what a producer thread pays per span, 1 and 2
 * producer threads, with each system's background stage running and its exporter discarding
 * (so no encoding or I/O is measured, only the hand-off). Scores are ns per span and
 * {@code gc.alloc.rate.norm} B per span.
 *
 * <p>Flat out, a producer is faster than the background stage of either system, and spans are
 * refused when the queue/ring is full: a refused span is cheap. So each state prints, at the end of
 * the trial, how many spans were published and how many reached the exporter; read every score
 * together with its drop share (the "drop trap" of issue 5). Latency at offered rates both systems
 * sustain is the load tool's job.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_LANG, ChronicleFlags.OPENS_REFLECT,
        ChronicleFlags.OPENS_NIO, ChronicleFlags.OPENS_NIO_CH, ChronicleFlags.OPENS_MISC,
        ChronicleFlags.EXPORTS_REF, ChronicleFlags.EXPORTS_MISC, ChronicleFlags.EXPORTS_NIO_CH,
        ChronicleFlags.EXPORTS_SUN_MISC, ChronicleFlags.NO_ANALYTICS})
public class PublishBenchmark {

    /**
     * The OpenTelemetry SDK as its docs recommend for production: {@code SdkTracerProvider} with a
     * {@code BatchSpanProcessor} (defaults: queue 2048, batch 512, delay 5 s), always-on sampler.
     */
    @State(Scope.Benchmark)
    public static class SdkPipeline {
        SdkTracerProvider provider;
        Tracer tracer;
        CountingDiscardExporter exporter;
        final AtomicLong published = new AtomicLong();

        /** Starts the SDK pipeline. */
        @Setup(Level.Trial)
        public void start() {
            exporter = new CountingDiscardExporter();
            provider = SdkTracerProvider.builder()
                    .setResource(SdkShape.resource())
                    .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                    .build();
            tracer = provider.get(SpanShape.SCOPE_NAME, SpanShape.SCOPE_VERSION);
        }

        /** Flushes, prints the delivery count, and stops the SDK. */
        @TearDown(Level.Trial)
        public void stop() {
            provider.forceFlush().join(10, TimeUnit.SECONDS);
            DeliveryReport.print("sdk", published.get(), exporter.exported());
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    /** Per-thread count of published spans (plain field: no shared write on the measured path). */
    @State(Scope.Thread)
    public static class SdkProducer {
        long published;

        /**
         * Adds this thread's count to the pipeline's total.
         *
         * @param pipeline the shared pipeline
         */
        @TearDown(Level.Iteration)
        public void addUp(SdkPipeline pipeline) {
            pipeline.published.addAndGet(published);
            published = 0;
        }
    }

    /**
     * SDK, one producer thread: start, 4 attributes, 1 event, end.
     *
     * @param pipeline the SDK
     * @param producer this thread's tally
     */
    @Benchmark
    @Threads(1)
    public void sdk1Thread(SdkPipeline pipeline, SdkProducer producer) {
        SdkShape.recordSpan(pipeline.tracer);
        producer.published++;
    }

    /**
     * SDK, two producer threads.
     *
     * @param pipeline the SDK
     * @param producer this thread's tally
     */
    @Benchmark
    @Threads(2)
    public void sdk2Threads(SdkPipeline pipeline, SdkProducer producer) {
        SdkShape.recordSpan(pipeline.tracer);
        producer.published++;
    }
}
