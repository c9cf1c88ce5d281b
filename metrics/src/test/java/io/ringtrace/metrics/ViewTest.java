package io.ringtrace.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.ringtrace.codec.Utf8Constant;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Views: selection by instrument and meter name, rename, description, attribute filter, aggregation, drop. */
class ViewTest {

    private static final Utf8Constant ROUTE = Utf8Constant.of("route");
    private static final Utf8Constant ID = Utf8Constant.of("id");

    private static MeterProvider provider(View... views) {
        MeterProvider.Builder b = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                .maxRequestBytes(1 << 16);
        for (View v : views) {
            b.view(v);
        }
        return b.build();
    }

    private static List<Metric> collect(MeterProvider provider) throws Exception {
        List<Metric> metrics = new ArrayList<>();
        try (CapturingSink sink = new CapturingSink(1 << 16, true)) {
            provider.collect(sink);
            for (byte[] request : sink.requests) {
                ExportMetricsServiceRequest r = ExportMetricsServiceRequest.parseFrom(request);
                r.getResourceMetrics(0).getScopeMetricsList().forEach(s -> metrics.addAll(s.getMetricsList()));
            }
        }
        return metrics;
    }

    @Test
    void aViewRenamesAndDescribesOnlyTheInstrumentsOfItsMeter() throws Exception {
        try (MeterProvider provider = provider(View.builder("requests").meterName("a").name("a.requests").description("renamed").build())) {
            LongCounter a = provider.meter("a").longCounter("requests").description("original").build();
            LongCounter b = provider.meter("b").longCounter("requests").description("original").build();
            a.add(1);
            b.add(2);
            assertSame(a, provider.meter("a").longCounter("REQUESTS").description("original").build(), "registered under its own name");
            List<Metric> metrics = collect(provider);
            assertEquals(2, metrics.size());
            Metric fromA = metrics.get(0).getName().equals("a.requests") ? metrics.get(0) : metrics.get(1);
            Metric fromB = fromA == metrics.get(0) ? metrics.get(1) : metrics.get(0);
            assertEquals("a.requests", fromA.getName());
            assertEquals("renamed", fromA.getDescription());
            assertEquals(1, fromA.getSum().getDataPoints(0).getAsInt());
            assertEquals("requests", fromB.getName());
            assertEquals("original", fromB.getDescription());
        }
    }

    @Test
    void anAttributeFilterAddsUpTheSetsThatDifferOnlyInDroppedKeys() throws Exception {
        try (MeterProvider provider = provider(View.builder("requests").attributeKeys("route").build(),
                View.builder("observed").attributeKeys().build())) {
            Meter meter = provider.meter("m");
            LongCounter counter = meter.longCounter("requests").build();
            Attributes[] sets = new Attributes[10];
            for (int i = 0; i < sets.length; i++) {
                sets[i] = Attributes.builder().put(ROUTE, i % 2 == 0 ? "/even" : "/odd").put(ID, i).build();
            }
            LongCounter.Bound evenBound = counter.bind(sets[0]);
            for (int i = 0; i < sets.length; i++) {
                counter.add(i, sets[i]);
            }
            evenBound.add(100);
            meter.observableLongCounter("observed").callback(m -> {
                for (int i = 0; i < 3; i++) {
                    m.record(10 * (i + 1), Attributes.builder().put(ID, i).build());
                }
            }).build();
            List<Metric> metrics = collect(provider);
            List<NumberDataPoint> points = metrics.get(0).getSum().getDataPointsList();
            assertEquals(2, points.size(), "one series per route");
            assertEquals(List.of(KeyValue.newBuilder().setKey("route").setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder()
                    .setStringValue("/even")).build()), points.get(0).getAttributesList());
            assertEquals(0 + 2 + 4 + 6 + 8 + 100, points.get(0).getAsInt());
            assertEquals(1 + 3 + 5 + 7 + 9, points.get(1).getAsInt());
            NumberDataPoint observed = metrics.get(1).getSum().getDataPoints(0);
            assertEquals(0, observed.getAttributesCount());
            assertEquals(10 + 20 + 30, observed.getAsInt(), "an observable counter's filtered reports add up");

            // recording with a known set through the filter allocates nothing
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 200_000; i++) {
                counter.add(1, sets[i % 10]);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 100_000; i++) {
                counter.add(1, sets[i % 10]);
            }
            assertEquals(0, threads.getCurrentThreadAllocatedBytes() - before, "bytes per filtered record");
        }
    }

    @Test
    void aViewReplacesAHistogramsAggregationAndLeavesOtherKindsTheirs() throws Exception {
        try (MeterProvider provider = provider(View.builder("latency").explicitBuckets(1, 10).build(),
                View.builder("size").exponential(20, 10).build(), View.builder("count").exponential().build())) {
            Meter meter = provider.meter("m");
            meter.histogram("latency").build().record(5);
            meter.histogram("size").boundaries(1, 2, 3).build().record(1000);
            meter.longCounter("count").build().add(3);
            List<Metric> metrics = collect(provider);
            assertEquals(List.of(1.0, 10.0), metrics.get(0).getHistogram().getDataPoints(0).getExplicitBoundsList());
            assertEquals(List.of(0L, 1L, 0L), metrics.get(0).getHistogram().getDataPoints(0).getBucketCountsList());
            assertEquals(10, metrics.get(1).getExponentialHistogram().getDataPoints(0).getScale());
            assertEquals(3, metrics.get(2).getSum().getDataPoints(0).getAsInt(), "a counter keeps its sum");
        }
    }

    @Test
    void aDropViewExportsNothingAndRunsNoCallback() throws Exception {
        AtomicInteger callbacks = new AtomicInteger();
        try (MeterProvider provider = provider(View.builder("*").meterName("noisy").drop().build())) {
            Meter noisy = provider.meter("noisy");
            LongCounter dropped = noisy.longCounter("c").build();
            Histogram droppedHistogram = noisy.histogram("h").build();
            noisy.observableLongGauge("g").callback(m -> callbacks.incrementAndGet()).build();
            for (int i = 0; i < 5000; i++) {
                dropped.add(1, Attributes.builder().put(ID, i).build());
                droppedHistogram.bind(Attributes.empty()).record(i);
            }
            provider.meter("kept").longCounter("c").build().add(7);
            List<Metric> metrics = collect(provider);
            assertEquals(1, metrics.size());
            assertEquals(7, metrics.get(0).getSum().getDataPoints(0).getAsInt());
            assertEquals(0, callbacks.get());
            assertEquals(0, provider.overflowedLookups(), "a dropped instrument keeps one series and overflows nothing");
        }
    }

    @Test
    void conflictingViewsAreRefusedAtTheEdge() {
        assertThrows(IllegalArgumentException.class, () -> View.builder("*").name("x").build());
        assertThrows(IllegalArgumentException.class, () -> View.builder("bad name"));
        assertThrows(IllegalArgumentException.class, () -> View.builder("a").name("1x"));
        try (MeterProvider provider = provider(View.builder("a").name("b").build())) {
            Meter meter = provider.meter("m");
            meter.longCounter("b").build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> meter.longCounter("a").build());
            assertTrue(e.getMessage().contains("would export as b"), e.getMessage());
        }
    }
}
