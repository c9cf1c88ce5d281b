package io.ringtrace.bench.jmh;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
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
 * One measurement recorded: a counter add and a histogram record, bound and with one of 100 known
 * attribute sets, ringtrace against the OpenTelemetry SDK's metrics (1.68, {@code
 * MemoryMode.REUSABLE_DATA}, exemplars off, as in its own comparison). Run with {@code -t 1} and
 * {@code -t 2} (two threads on the same series) and {@code -prof gc}. Both sides have a reader whose
 * interval is an hour: recording only, no collection during the run.
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
        Attributes[] sets = new Attributes[SETS];

        SdkMeterProvider sdk;
        LongCounter sdkCounter;
        DoubleHistogram sdkHistogram;
        io.opentelemetry.api.common.Attributes sdkConstant;
        io.opentelemetry.api.common.Attributes[] sdkSets = new io.opentelemetry.api.common.Attributes[SETS];

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

            sdk = SdkMeterProvider.builder()
                    .setExemplarFilter(ExemplarFilter.alwaysOff())
                    .registerMetricReader(PeriodicMetricReader.builder(new DiscardingMetricExporter())
                            .setInterval(Duration.ofHours(1)).build())
                    .build();
            io.opentelemetry.api.metrics.Meter sdkMeter = sdk.get("bench");
            sdkCounter = sdkMeter.counterBuilder("requests").build();
            sdkHistogram = sdkMeter.histogramBuilder("latency").setUnit("ms").build();
            AttributeKey<String> sdkRoute = AttributeKey.stringKey("route");
            for (int i = 0; i < SETS; i++) {
                sdkSets[i] = io.opentelemetry.api.common.Attributes.of(sdkRoute, "/route/" + i);
            }
            sdkConstant = sdkSets[0];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            ringtrace.close();
            sdk.close();
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
