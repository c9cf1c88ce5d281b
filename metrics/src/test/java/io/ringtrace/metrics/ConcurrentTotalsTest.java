package io.ringtrace.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.ringtrace.codec.Utf8Constant;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Writers record known amounts while collections run; the totals over all delta intervals, and the
 * last cumulative values, are exact: no measurement lost or counted twice across a reset.
 */
class ConcurrentTotalsTest {

    private static final int WRITERS = 2;
    private static final int PER_WRITER = 500_000;
    private static final Attributes SHARED = Attributes.of(Utf8Constant.of("k"), "shared");

    /** Totals read from the decoded requests. */
    private static final class Totals {
        long counter;
        double doubles;
        long histogramCount;
        double histogramSum;
        long bucketTotal;
        long lastCumulativeCounter = -1;
        long exponentialCount;
        long exponentialBuckets;
        double exponentialSum;

        void add(byte[] request, boolean delta) throws Exception {
            for (ScopeMetrics scope : ExportMetricsServiceRequest.parseFrom(request).getResourceMetrics(0).getScopeMetricsList()) {
                for (Metric m : scope.getMetricsList()) {
                    switch (m.getName()) {
                        case "counter":
                            for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                                if (delta) {
                                    counter += p.getAsInt();
                                } else {
                                    assertTrue(p.getAsInt() >= lastCumulativeCounter, "cumulative never goes back");
                                    lastCumulativeCounter = p.getAsInt();
                                    counter = p.getAsInt();
                                }
                            }
                            break;
                        case "doubles":
                            for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                                doubles = delta ? doubles + p.getAsDouble() : p.getAsDouble();
                            }
                            break;
                        case "exponential":
                            for (ExponentialHistogramDataPoint p : m.getExponentialHistogram().getDataPointsList()) {
                                long buckets = p.getZeroCount();
                                for (long b : p.getPositive().getBucketCountsList()) {
                                    buckets += b;
                                }
                                for (long b : p.getNegative().getBucketCountsList()) {
                                    buckets += b;
                                }
                                assertEquals(p.getCount(), buckets, "one consistent point: count is zero count plus bucket counts");
                                exponentialCount = delta ? exponentialCount + p.getCount() : p.getCount();
                                exponentialBuckets = delta ? exponentialBuckets + buckets : buckets;
                                exponentialSum = delta ? exponentialSum + p.getSum() : p.getSum();
                            }
                            break;
                        default:
                            for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                                long buckets = 0;
                                for (long b : p.getBucketCountsList()) {
                                    buckets += b;
                                }
                                assertEquals(p.getCount(), buckets, "count is the sum of the bucket counts");
                                histogramCount = delta ? histogramCount + p.getCount() : p.getCount();
                                histogramSum = delta ? histogramSum + p.getSum() : p.getSum();
                                bucketTotal = delta ? bucketTotal + buckets : buckets;
                            }
                    }
                }
            }
        }
    }

    @Test
    void deltaTotalsAreExactAcrossResets() throws Exception {
        run(TemporalityPreference.DELTA);
    }

    @Test
    void cumulativeTotalsAreExact() throws Exception {
        run(TemporalityPreference.CUMULATIVE);
    }

    private void run(TemporalityPreference temporality) throws Exception {
        boolean delta = temporality == TemporalityPreference.DELTA;
        try (MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                .temporality(temporality).maxRequestBytes(1 << 16).histogramStripes(2).build();
                CapturingSink sink = new CapturingSink(1 << 16, true)) {
            Meter meter = provider.meter("concurrency");
            LongCounter counter = meter.longCounter("counter").build();
            DoubleCounter doubles = meter.doubleCounter("doubles").build();
            Histogram histogram = meter.histogram("histogram").build();
            Histogram exponential = meter.histogram("exponential").exponential(20, 20).build();
            CountDownLatch start = new CountDownLatch(1);
            Thread[] writers = new Thread[WRITERS];
            for (int w = 0; w < WRITERS; w++) {
                writers[w] = new Thread(() -> {
                    LongCounter.Bound bound = counter.bind(SHARED);
                    Histogram.Bound boundHistogram = histogram.bind(SHARED);
                    Histogram.Bound boundExponential = exponential.bind(SHARED);
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < PER_WRITER; i++) {
                        if ((i & 1) == 0) {
                            bound.add(3);
                            boundHistogram.record(7);
                        } else {
                            counter.add(3, SHARED);
                            histogram.record(7, SHARED);
                        }
                        doubles.add(0.5, SHARED); // exact in binary: the double sum has no rounding
                        // 0, -1 and powers of two up to 2^15, exact sums; a range that makes 20 buckets downscale
                        boundExponential.record((i & 15) == 15 ? -1 : (i & 15) == 14 ? 0 : 1 << (i & 15));
                    }
                }, "writer-" + w);
                writers[w].start();
            }
            Totals totals = new Totals();
            start.countDown();
            int collectionsDuringWrites = 0;
            boolean writing = true;
            while (writing) {
                writing = false;
                for (Thread t : writers) {
                    writing |= t.isAlive();
                }
                provider.collect(sink); // requests are kept and decoded after the writes, so collections run often
                collectionsDuringWrites++;
            }
            for (Thread t : writers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            provider.collect(sink);
            for (byte[] request : sink.requests) {
                totals.add(request, delta);
            }
            long n = (long) WRITERS * PER_WRITER;
            assertTrue(collectionsDuringWrites > 20, "collections ran during the writes: " + collectionsDuringWrites);
            assertEquals(3 * n, totals.counter, temporality + " counter total");
            assertEquals(0.5 * n, totals.doubles, temporality + " double counter total");
            assertEquals(n, totals.histogramCount, temporality + " histogram count");
            assertEquals(n, totals.bucketTotal, temporality + " histogram buckets");
            assertEquals(7.0 * n, totals.histogramSum, temporality + " histogram sum");
            assertEquals(n, totals.exponentialCount, temporality + " exponential histogram count");
            assertEquals(n, totals.exponentialBuckets, temporality + " exponential histogram buckets");
            double perSixteen = -1 + ((1 << 14) - 1);
            assertEquals(n / 16 * perSixteen, totals.exponentialSum, temporality + " exponential histogram sum");
        }
    }
}
