package io.ringtrace.bench.jmh;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.exporter.internal.otlp.metrics.LowAllocationMetricsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.ExemplarFilter;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.ringtrace.bench.ByteSink;
import io.ringtrace.bench.DiscardingSpanExporter;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.metrics.Attributes;
import io.ringtrace.metrics.CollectionProbe;
import io.ringtrace.metrics.Meter;
import io.ringtrace.metrics.MeterProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
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

/**
 * One collection and its OTLP encoding, cumulative, of {@code series} series of one instrument
 * ({@code counter}: a long counter; {@code histogram}: an explicit-bucket histogram with the default
 * boundaries, a few values per series): ns and B per collection (divide by {@code series} for per
 * series). ringtrace: the provider's collection encoding into a reused off-heap request buffer
 * ({@link CollectionProbe}: no reader thread, no exporter). SDK 1.68: {@code collectAllMetrics()}
 * through a pull reader, then {@code REUSABLE_DATA} with its reused {@code
 * LowAllocationMetricsRequestMarshaler}, or {@code IMMUTABLE_DATA} with {@code
 * MetricsRequestMarshaler}, into a reused byte sink. Nothing is recorded during the run.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
        "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED", "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED",
        "-Dchronicle.analytics.disable=true"})
@State(Scope.Benchmark)
public class MetricsCollectBenchmark {

    private static final int MAX_REQUEST_BYTES = 1 << 20;

    @Param({"100", "1000", "10000"})
    public int series;

    @Param({"counter", "histogram"})
    public String kind;

    private MeterProvider ringtrace;
    private CollectionProbe probe;
    private SdkMeterProvider sdkReusable;
    private PullReader reusableReader;
    private SdkMeterProvider sdkImmutable;
    private PullReader immutableReader;
    private final LowAllocationMetricsRequestMarshaler lowAllocation = new LowAllocationMetricsRequestMarshaler();
    private final ByteSink sink = new ByteSink(1 << 20);

    /** Collects the SDK on demand, in one memory mode, cumulative. */
    static final class PullReader implements MetricReader {
        private final MemoryMode memoryMode;
        private CollectionRegistration registration;

        PullReader(MemoryMode memoryMode) {
            this.memoryMode = memoryMode;
        }

        @Override
        public void register(CollectionRegistration registration) {
            this.registration = registration;
        }

        Collection<MetricData> collect() {
            return registration.collectAllMetrics();
        }

        @Override
        public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
            return AggregationTemporality.CUMULATIVE;
        }

        @Override
        public MemoryMode getMemoryMode() {
            return memoryMode;
        }

        @Override
        public CompletableResultCode forceFlush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        boolean histogram = kind.equals("histogram");
        ringtrace = MeterProvider.builder().exporter(new DiscardingSpanExporter()).exportInterval(Duration.ofHours(1))
                .cardinalityLimit(series + 1).maxRequestBytes(MAX_REQUEST_BYTES).build();
        probe = new CollectionProbe(ringtrace, MAX_REQUEST_BYTES);
        Meter meter = ringtrace.meter("bench");
        io.ringtrace.metrics.LongCounter counter = meter.longCounter("requests").build();
        io.ringtrace.metrics.Histogram latency = meter.histogram("latency").unit("ms").build();
        Utf8Constant route = Utf8Constant.of("route");
        reusableReader = new PullReader(MemoryMode.REUSABLE_DATA);
        immutableReader = new PullReader(MemoryMode.IMMUTABLE_DATA);
        sdkReusable = sdk(reusableReader);
        sdkImmutable = sdk(immutableReader);
        AttributeKey<String> sdkRoute = AttributeKey.stringKey("route");
        for (SdkMeterProvider sdk : new SdkMeterProvider[] {sdkReusable, sdkImmutable}) {
            io.opentelemetry.api.metrics.Meter sdkMeter = sdk.get("bench");
            io.opentelemetry.api.metrics.LongCounter sdkCounter = sdkMeter.counterBuilder("requests").build();
            io.opentelemetry.api.metrics.DoubleHistogram sdkHistogram = sdkMeter.histogramBuilder("latency").setUnit("ms").build();
            for (int i = 0; i < series; i++) {
                io.opentelemetry.api.common.Attributes set = io.opentelemetry.api.common.Attributes.of(sdkRoute, "/route/" + i);
                for (int v = 0; v < 5; v++) {
                    if (histogram) {
                        sdkHistogram.record(i % 100 * 10 + v * 7, set);
                    } else {
                        sdkCounter.add(i + v, set);
                    }
                }
            }
        }
        for (int i = 0; i < series; i++) {
            Attributes set = Attributes.of(route, "/route/" + i);
            for (int v = 0; v < 5; v++) {
                if (histogram) {
                    latency.record(i % 100 * 10 + v * 7, set);
                } else {
                    counter.add(i + v, set);
                }
            }
        }
        checkBothSidesReportEverySeries();
    }

    /** Both sides must report every series of the one instrument, or the comparison is not like with like. */
    private void checkBothSidesReportEverySeries() {
        long points = probe.collect();
        for (PullReader reader : new PullReader[] {reusableReader, immutableReader}) {
            for (MetricData metric : reader.collect()) {
                int sdkPoints = metric.getData().getPoints().size();
                boolean active = metric.getName().equals(kind.equals("histogram") ? "latency" : "requests");
                if (active && sdkPoints != series) {
                    throw new IllegalStateException("the SDK reports " + sdkPoints + " points of " + metric.getName() + ", not " + series);
                }
            }
        }
        if (points != series) {
            throw new IllegalStateException("ringtrace reports " + points + " points, not " + series);
        }
    }

    private SdkMeterProvider sdk(PullReader reader) {
        return SdkMeterProvider.builder().setExemplarFilter(ExemplarFilter.alwaysOff())
                .registerView(InstrumentSelector.builder().setName("*").build(),
                        View.builder().setCardinalityLimit(series + 1).build())
                .registerMetricReader(reader).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        probe.close();
        ringtrace.close();
        sdkReusable.close();
        sdkImmutable.close();
    }

    @Benchmark
    public long ringtraceCollectEncode() {
        return probe.collect();
    }

    @Benchmark
    public int sdkReusableDataLowAllocationMarshaler() throws IOException {
        Collection<MetricData> metrics = reusableReader.collect();
        sink.reset();
        lowAllocation.initialize(metrics);
        try {
            lowAllocation.writeBinaryTo(sink);
        } finally {
            lowAllocation.reset();
        }
        return sink.size();
    }

    @Benchmark
    public int sdkImmutableDataMarshaler() throws IOException {
        Collection<MetricData> metrics = immutableReader.collect();
        sink.reset();
        MetricsRequestMarshaler.create(metrics).writeBinaryTo(sink);
        return sink.size();
    }
}
