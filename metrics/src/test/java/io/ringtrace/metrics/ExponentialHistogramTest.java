package io.ringtrace.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentSelector;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.View;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.ExponentialHistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The exponential histogram against the OpenTelemetry SDK's own aggregation (1.68,
 * {@code Aggregation.base2ExponentialBucketHistogram}): the same values, seeded and of every shape
 * (narrow and wide ranges, zeros, exact powers of two, subnormals, huge values), must give the same
 * scale, offsets, bucket counts, zero count, count, sum, min and max, cumulative and delta. The SDK's
 * API takes no negative values, so the negative range is checked mirrored: ringtrace records
 * {@code -v} and its negative buckets must equal the SDK's positive buckets of {@code v}.
 */
class ExponentialHistogramTest {

    /** Collects the SDK on demand. */
    private static final class PullReader implements MetricReader {
        private final AggregationTemporality temporality;
        private CollectionRegistration registration;

        PullReader(AggregationTemporality temporality) {
            this.temporality = temporality;
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
            return temporality;
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

    private static double value(Random random, int shape) {
        switch (shape) {
            case 0:
                return Math.abs(random.nextGaussian() * 100); // narrow
            case 1:
                return Math.exp(random.nextGaussian() * 20); // positive, decades apart
            case 2:
                return random.nextInt(5) == 0 ? 0 : Math.scalb(1.0, random.nextInt(200) - 100);
            case 3:
                return random.nextInt(3) == 0 ? Double.MIN_VALUE * (1 + random.nextInt(1000)) : Double.MAX_VALUE / (1 + random.nextInt(1000));
            default:
                return 1000 + random.nextInt(1000) / 1000.0; // positive, a narrow band: the finest scale
        }
    }

    @Test
    void bucketsEqualTheOpenTelemetrySdkForTheSameValues() throws Exception {
        Random random = new Random(20261206L);
        int[][] shapes = {{160, 20}, {20, 20}, {4, 20}, {160, 3}, {8, 0}, {2, -3}};
        for (int c = 0; c < 120; c++) {
            int[] shape = shapes[c % shapes.length];
            boolean delta = (c / shapes.length) % 2 == 1;
            compareWithSdk(random, c, shape[0], shape[1], delta);
        }
    }

    private static void compareWithSdk(Random random, int caseNumber, int maxBuckets, int maxScale, boolean delta) throws Exception {
        PullReader reader = new PullReader(delta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE);
        try (SdkMeterProvider sdk = SdkMeterProvider.builder()
                .registerView(InstrumentSelector.builder().setName("h").build(),
                        View.builder().setAggregation(Aggregation.base2ExponentialBucketHistogram(maxBuckets, maxScale)).build())
                .registerMetricReader(reader).build();
                MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                        .histogramStripes(1).temporality(delta ? TemporalityPreference.DELTA : TemporalityPreference.CUMULATIVE)
                        .build();
                CapturingSink sink = new CapturingSink(1 << 20, true)) {
            io.opentelemetry.api.metrics.DoubleHistogram theirs = sdk.get("m").histogramBuilder("h").build();
            Histogram.Bound ours = provider.meter("m").histogram("h").exponential(maxBuckets, maxScale).build().bind(Attributes.empty());
            boolean mirror = caseNumber % 3 == 2;
            for (int round = 0; round < 3; round++) {
                int shape = random.nextInt(5);
                int n = 1 + random.nextInt(round == 1 ? 3 : 2000);
                for (int i = 0; i < n; i++) {
                    double v = value(random, shape);
                    theirs.record(v);
                    ours.record(mirror ? -v : v);
                }
                String what = "case " + caseNumber + " round " + round + " (" + maxBuckets + " buckets, scale " + maxScale
                        + (delta ? ", delta" : "") + (mirror ? ", mirrored" : "") + ")";
                ExponentialHistogramPointData expected = (ExponentialHistogramPointData) reader.collect().iterator().next()
                        .getExponentialHistogramData().getPoints().iterator().next();
                sink.requests.clear();
                provider.collect(sink);
                Metric metric = ExportMetricsServiceRequest.parseFrom(sink.requests.get(0)).getResourceMetrics(0)
                        .getScopeMetrics(0).getMetrics(0);
                assertEquals(delta ? 1 : 2, metric.getExponentialHistogram().getAggregationTemporalityValue(), what);
                ExponentialHistogramDataPoint actual = metric.getExponentialHistogram().getDataPoints(0);
                assertEquals(expected.getScale(), actual.getScale(), what + ": scale");
                assertEquals(expected.getCount(), actual.getCount(), what + ": count");
                assertEquals(expected.getZeroCount(), actual.getZeroCount(), what + ": zero count");
                if (mirror) {
                    assertEquals(-expected.getSum(), actual.getSum(), Math.abs(expected.getSum()) * 1e-12, what + ": sum");
                    assertEquals(-expected.getMax(), actual.getMin(), what + ": min");
                    assertEquals(-expected.getMin(), actual.getMax(), what + ": max");
                    assertBuckets(expected.getPositiveBuckets(), actual.getNegative(), what + ": negative");
                    assertEquals(0, actual.getPositive().getBucketCountsCount(), what + ": positive");
                    continue;
                }
                assertEquals(expected.getSum(), actual.getSum(), Math.abs(expected.getSum()) * 1e-12, what + ": sum");
                assertEquals(expected.getMin(), actual.getMin(), what + ": min");
                assertEquals(expected.getMax(), actual.getMax(), what + ": max");
                assertBuckets(expected.getPositiveBuckets(), actual.getPositive(), what + ": positive");
                assertEquals(0, actual.getNegative().getBucketCountsCount(), what + ": negative");
            }
        }
    }

    /** Compared as (offset, counts) with leading and trailing empty buckets trimmed on both sides. */
    private static void assertBuckets(io.opentelemetry.sdk.metrics.data.ExponentialHistogramBuckets expected,
            ExponentialHistogramDataPoint.Buckets actual, String what) {
        assertEquals(trimmed(expected.getOffset(), expected.getBucketCounts()), trimmed(actual.getOffset(), actual.getBucketCountsList()), what);
    }

    private static List<Long> trimmed(int offset, List<Long> counts) {
        int first = 0;
        while (first < counts.size() && counts.get(first) == 0) {
            first++;
        }
        int last = counts.size() - 1;
        while (last >= first && counts.get(last) == 0) {
            last--;
        }
        List<Long> out = new ArrayList<>();
        out.add((long) (first <= last ? offset + first : 0));
        out.addAll(counts.subList(first, last + 1));
        return out;
    }

    @Test
    void twoThreadsOnTwoStripesMergeToTheOneStripeResult() throws Exception {
        double[] values = new double[200_000];
        Random random = new Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = i % 2 == 0 ? Math.exp(random.nextGaussian() * 3) : -random.nextDouble() * 1e6;
        }
        try (MeterProvider striped = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                .histogramStripes(2).build();
                MeterProvider single = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                        .histogramStripes(1).build();
                CapturingSink sink = new CapturingSink(1 << 20, true)) {
            Histogram.Bound two = striped.meter("m").histogram("h").exponential().build().bind(Attributes.empty());
            Histogram.Bound one = single.meter("m").histogram("h").exponential().build().bind(Attributes.empty());
            for (double v : values) {
                one.record(v);
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int first = t;
                Thread thread = new Thread(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = first; i < values.length; i += 2) {
                        two.record(values[i]);
                    }
                });
                thread.start();
                threads.add(thread);
            }
            start.countDown();
            for (Thread thread : threads) {
                thread.join(30_000);
            }
            striped.collect(sink);
            single.collect(sink);
            ExponentialHistogramDataPoint fromTwo = point(sink.requests.get(0));
            ExponentialHistogramDataPoint fromOne = point(sink.requests.get(1));
            assertEquals(values.length, fromTwo.getCount());
            assertEquals(fromOne.toBuilder().clearStartTimeUnixNano().clearTimeUnixNano().clearSum().build(),
                    fromTwo.toBuilder().clearStartTimeUnixNano().clearTimeUnixNano().clearSum().build());
            assertEquals(fromOne.getSum(), fromTwo.getSum(), Math.abs(fromOne.getSum()) * 1e-9);
        }
    }

    private static ExponentialHistogramDataPoint point(byte[] request) throws Exception {
        return ExportMetricsServiceRequest.parseFrom(request).getResourceMetrics(0).getScopeMetrics(0).getMetrics(0)
                .getExponentialHistogram().getDataPoints(0);
    }

    @Test
    void settingsAreCheckedAndPartOfTheInstrumentsIdentity() {
        try (MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1)).build()) {
            Meter meter = provider.meter("m");
            assertThrows(IllegalArgumentException.class, () -> meter.histogram("h").exponential(1, 20));
            assertThrows(IllegalArgumentException.class, () -> meter.histogram("h").exponential(160, 21));
            assertThrows(IllegalStateException.class, () -> meter.longCounter("c").exponential());
            Histogram h = meter.histogram("h").exponential().build();
            assertTrue(h == meter.histogram("h").exponential(160, 20).build(), "same settings: same instrument");
            assertThrows(IllegalArgumentException.class, () -> meter.histogram("h").exponential(80, 20).build());
            assertThrows(IllegalArgumentException.class, () -> meter.histogram("h").build(), "explicit buckets: another instrument");
        }
    }
}
