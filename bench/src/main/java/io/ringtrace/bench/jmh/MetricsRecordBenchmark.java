package io.ringtrace.bench.jmh;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.metrics.Attributes;
import io.ringtrace.metrics.Histogram;
import io.ringtrace.metrics.Meter;
import io.ringtrace.metrics.MeterProvider;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
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

/**
 * One measurement recorded: a counter add and a histogram record (explicit buckets, and base-2
 * exponential), bound and with one of 100 known attribute sets, ringtrace against the OpenTelemetry
 * SDK's metrics (1.68, {@code MemoryMode.REUSABLE_DATA}, exemplars off, as in its own comparison)
 * and Micrometer 1.17 ({@code SimpleMeterRegistry}, cumulative: a {@code Counter} and a {@code
 * DistributionSummary} with OpenTelemetry's default boundaries but 0 as service-level objectives, held
 * by the caller = bound, or looked up by name and one of 100 prebuilt {@code Tags}). Run with {@code
 * -t 1} and {@code -t 2} (two threads on the same series) and {@code -prof gc}. Every side has a
 * reader whose interval is an hour (Micrometer has none): recording only, no collection during the run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true"})
public class MetricsRecordBenchmark {

    private static final int SETS = 100;

    /** Both systems' instruments, shared by the benchmark's threads. */
    @State(Scope.Benchmark)
    public static class Instruments {
        MeterProvider ringtrace;
        io.ringtrace.metrics.LongCounter counter;
        io.ringtrace.metrics.LongCounter.Bound boundCounter;
        Histogram histogram;
        Histogram.Bound boundHistogram;
        Histogram exponential;
        Histogram.Bound boundExponential;
        Attributes[] sets = new Attributes[SETS];

        SdkMeterProvider sdk;
        LongCounter sdkCounter;
        DoubleHistogram sdkHistogram;
        DoubleHistogram sdkExponential;
        io.opentelemetry.api.common.Attributes sdkConstant;
        io.opentelemetry.api.common.Attributes[] sdkSets = new io.opentelemetry.api.common.Attributes[SETS];

        SimpleMeterRegistry micrometer;
        Counter micrometerCounter;
        DistributionSummary micrometerSummary;
        Tags[] micrometerTags = new Tags[SETS];

        @Setup(Level.Trial)
        public void setUp() {
            ringtrace = MeterProvider.builder().exporter(new DiscardingSpanExporter()).exportInterval(Duration.ofHours(1)).build();
            Meter meter = ringtrace.meter("bench");
            counter = meter.longCounter("requests").build();
            histogram = meter.histogram("latency").unit("ms").build();
            Utf8Constant route = Utf8Constant.of("route");
            for (int i = 0; i < SETS; i++) {
                sets[i] = Attributes.builder().put(route, "/route/" + i).build();
            }
            boundCounter = counter.bind(sets[0]);
            boundHistogram = histogram.bind(sets[0]);
            exponential = meter.histogram("latency.exponential").unit("ms").exponential().build();
            boundExponential = exponential.bind(sets[0]);

            sdk = SdkMeterProvider.builder()
                    .setExemplarFilter(ExemplarFilter.alwaysOff())
                    .registerView(InstrumentSelector.builder().setName("latency.exponential").build(),
                            View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram()).build())
                    .registerMetricReader(PeriodicMetricReader.builder(new DiscardingMetricExporter())
                            .setInterval(Duration.ofHours(1)).build())
                    .build();
            io.opentelemetry.api.metrics.Meter sdkMeter = sdk.get("bench");
            sdkCounter = sdkMeter.counterBuilder("requests").build();
            sdkHistogram = sdkMeter.histogramBuilder("latency").setUnit("ms").build();
            sdkExponential = sdkMeter.histogramBuilder("latency.exponential").setUnit("ms").build();
            AttributeKey<String> sdkRoute = AttributeKey.stringKey("route");
            for (int i = 0; i < SETS; i++) {
                sdkSets[i] = io.opentelemetry.api.common.Attributes.of(sdkRoute, "/route/" + i);
            }
            sdkConstant = sdkSets[0];

            micrometer = new SimpleMeterRegistry();
            for (int i = 0; i < SETS; i++) {
                micrometerTags[i] = Tags.of("route", "/route/" + i);
                micrometer.counter("requests", micrometerTags[i]);
                summary(micrometer, micrometerTags[i]);
            }
            micrometerCounter = micrometer.counter("requests", micrometerTags[0]);
            micrometerSummary = summary(micrometer, micrometerTags[0]);
        }

        static DistributionSummary summary(SimpleMeterRegistry registry, Tags tags) {
            return DistributionSummary.builder("latency").baseUnit("ms").tags(tags)
                    .serviceLevelObjectives(5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000) // Micrometer refuses 0
                    .register(registry);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            ringtrace.close();
            sdk.close();
            micrometer.close();
        }
    }

    /** Each thread's own walk over the known attribute sets. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int nextSet() {
            int i = next;
            next = i + 1 == SETS ? 0 : i + 1;
            return i;
        }
    }

    @Benchmark
    public void ringtraceCounterBound(Instruments s) {
        s.boundCounter.add(1);
    }

    @Benchmark
    public void ringtraceCounterOneOf100Sets(Instruments s, Cursor c) {
        s.counter.add(1, s.sets[c.nextSet()]);
    }

    @Benchmark
    public void ringtraceHistogramBound(Instruments s, Cursor c) {
        s.boundHistogram.record(c.nextSet() * 13);
    }

    @Benchmark
    public void ringtraceHistogramOneOf100Sets(Instruments s, Cursor c) {
        int i = c.nextSet();
        s.histogram.record(i * 13, s.sets[i]);
    }

    @Benchmark
    public void ringtraceExponentialBound(Instruments s, Cursor c) {
        s.boundExponential.record(c.nextSet() * 13);
    }

    @Benchmark
    public void ringtraceExponentialOneOf100Sets(Instruments s, Cursor c) {
        int i = c.nextSet();
        s.exponential.record(i * 13, s.sets[i]);
    }

    @Benchmark
    public void sdkExponentialConstantSet(Instruments s, Cursor c) {
        s.sdkExponential.record(c.nextSet() * 13, s.sdkConstant);
    }

    @Benchmark
    public void sdkExponentialOneOf100Sets(Instruments s, Cursor c) {
        int i = c.nextSet();
        s.sdkExponential.record(i * 13, s.sdkSets[i]);
    }

    @Benchmark
    public void micrometerCounterBound(Instruments s) {
        s.micrometerCounter.increment();
    }

    @Benchmark
    public void micrometerCounterOneOf100Tags(Instruments s, Cursor c) {
        s.micrometer.counter("requests", s.micrometerTags[c.nextSet()]).increment();
    }

    @Benchmark
    public void micrometerSummaryBound(Instruments s, Cursor c) {
        s.micrometerSummary.record(c.nextSet() * 13);
    }

    @Benchmark
    public void micrometerSummaryOneOf100Tags(Instruments s, Cursor c) {
        int i = c.nextSet();
        Instruments.summary(s.micrometer, s.micrometerTags[i]).record(i * 13);
    }

    @Benchmark
    public void sdkCounterConstantSet(Instruments s) {
        s.sdkCounter.add(1, s.sdkConstant);
    }

    @Benchmark
    public void sdkCounterOneOf100Sets(Instruments s, Cursor c) {
        s.sdkCounter.add(1, s.sdkSets[c.nextSet()]);
    }

    @Benchmark
    public void sdkHistogramConstantSet(Instruments s, Cursor c) {
        s.sdkHistogram.record(c.nextSet() * 13, s.sdkConstant);
    }

    @Benchmark
    public void sdkHistogramOneOf100Sets(Instruments s, Cursor c) {
        int i = c.nextSet();
        s.sdkHistogram.record(i * 13, s.sdkSets[i]);
    }

    /** The SDK's side of a discarding exporter: cumulative, {@code REUSABLE_DATA}. */
    static final class DiscardingMetricExporter implements MetricExporter {
        @Override
        public CompletableResultCode export(Collection<MetricData> metrics) {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public MemoryMode getMemoryMode() {
            return MemoryMode.REUSABLE_DATA;
        }
    }
}
