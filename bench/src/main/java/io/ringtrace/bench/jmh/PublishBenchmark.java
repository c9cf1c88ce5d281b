package io.ringtrace.bench.jmh;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.ringtrace.bench.ChronicleFlags;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.bench.sdk.CountingDiscardExporter;
import io.ringtrace.bench.sdk.MarshalingDiscardExporter;
import io.ringtrace.bench.sdk.SdkShape;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Publish cost of one typical span for the OpenTelemetry SDK: what a producer thread pays
 * per span (start, 4 attributes, 1 event, end), 1 and 2 producer threads, with the
 * {@code BatchSpanProcessor} worker running. {@code exporter=discard} measures the SDK's pure
 * hand-off; {@code exporter=marshal} makes the worker serialize every batch with the SDK's OTLP
 * marshaler, the same work ringtrace's serializer stage does in the ringtrace publish benchmark
 * (so these two are the combined publish + serialize steady state). Scores are ns per span and
 * {@code gc.alloc.rate.norm} B per span.
 *
 * <p>Flat out, producers outrun the background stage and spans are refused when the queue is full;
 * a refused span is cheap. So each trial prints a {@code [delivery]} line with how many published
 * spans reached the exporter (warm-up included): read every score together with its drop share (the
 * "drop trap"). Latency at offered rates both systems sustain is the load tool's job.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {ChronicleFlags.OPENS_REFLECT, ChronicleFlags.EXPORTS_REF,
        ChronicleFlags.EXPORTS_NIO_CH, ChronicleFlags.NO_ANALYTICS})
public class PublishBenchmark {

    /**
     * The OpenTelemetry SDK as its docs recommend for production: {@code SdkTracerProvider} with a
     * {@code BatchSpanProcessor} (defaults: queue 2048, batch 512, delay 5 s), always-on sampler.
     */
    @State(Scope.Benchmark)
    public static class SdkPipeline {
        /** What the worker does with each batch: {@code discard} or {@code marshal} (OTLP bytes). */
        @Param({"discard", "marshal"})
        public String exporter;

        SdkTracerProvider provider;
        Tracer tracer;
        LongSupplier exported;
        final AtomicLong published = new AtomicLong();
        long startNanos;

        /** Starts the SDK pipeline. */
        @Setup(Level.Trial)
        public void start() {
            io.opentelemetry.sdk.trace.export.SpanExporter spanExporter;
            if (exporter.equals("marshal")) {
                MarshalingDiscardExporter marshaling = new MarshalingDiscardExporter();
                exported = marshaling::exported;
                spanExporter = marshaling;
            } else {
                CountingDiscardExporter counting = new CountingDiscardExporter();
                exported = counting::exported;
                spanExporter = counting;
            }
            provider = SdkTracerProvider.builder()
                    .setResource(SdkShape.resource())
                    .addSpanProcessor(BatchSpanProcessor.builder(spanExporter).build())
                    .build();
            tracer = provider.get(SpanShape.SCOPE_NAME, SpanShape.SCOPE_VERSION);
            startNanos = System.nanoTime();
        }

        /** Flushes, prints the delivery count, and stops the SDK. */
        @TearDown(Level.Trial)
        public void stop() {
            provider.forceFlush().join(10, TimeUnit.SECONDS);
            DeliveryReport.print("otel-sdk exporter=" + exporter, published.get(), exported.getAsLong(),
                    System.nanoTime() - startNanos);
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    /** Per-thread count of published spans (a plain field: no shared write on the measured path). */
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
     * SDK, one producer thread.
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
