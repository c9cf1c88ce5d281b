package io.ringtrace.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.ringtrace.codec.Utf8Constant;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The instruments' edges: cardinality overflow, registration, refused input, configuration. */
class InstrumentsTest {

    private static final Utf8Constant KEY = Utf8Constant.of("user");

    private static MeterProvider provider(int cardinalityLimit) {
        return MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                .maxRequestBytes(1 << 16).cardinalityLimit(cardinalityLimit).build();
    }

    private static List<NumberDataPoint> collectSum(MeterProvider provider) throws Exception {
        try (CapturingSink sink = new CapturingSink(1 << 16, true)) {
            provider.collect(sink);
            return ExportMetricsServiceRequest.parseFrom(sink.requests.get(0)).getResourceMetrics(0).getScopeMetrics(0)
                    .getMetrics(0).getSum().getDataPointsList();
        }
    }

    @Test
    void setsPastTheCardinalityLimitGoToTheOverflowSeriesAndAreCounted() throws Exception {
        try (MeterProvider provider = provider(4)) {
            LongCounter counter = provider.meter("m").longCounter("c").build();
            for (int user = 0; user < 10; user++) {
                counter.add(user + 1, Attributes.builder().put(KEY, user).build());
            }
            LongCounter.Bound boundPastLimit = counter.bind(Attributes.builder().put(KEY, 99).build());
            boundPastLimit.add(100);
            List<NumberDataPoint> points = collectSum(provider);
            assertEquals(4, points.size(), "limit 4: three sets and the overflow series");
            assertEquals(1 + 2 + 3, points.get(0).getAsInt() + points.get(1).getAsInt() + points.get(2).getAsInt());
            KeyValue overflow = points.get(3).getAttributes(0);
            assertEquals("otel.metric.overflow", overflow.getKey());
            assertTrue(overflow.getValue().getBoolValue());
            assertEquals(4 + 5 + 6 + 7 + 8 + 9 + 10 + 100, points.get(3).getAsInt(), "nothing recorded is lost");
            assertEquals(8, provider.overflowedLookups(), "seven sets recorded and one bound past the limit");
            // a set seen before the limit still has its own series
            counter.add(1000, Attributes.builder().put(KEY, 0).build());
            assertEquals(1 + 1000, collectSum(provider).get(0).getAsInt());
        }
    }

    @Test
    void equalAttributeSetsShareASeriesWhateverTheOrderTheyWereBuiltIn() throws Exception {
        try (MeterProvider provider = provider(100)) {
            LongCounter counter = provider.meter("m").longCounter("c").build();
            Utf8Constant a = Utf8Constant.of("a");
            Utf8Constant b = Utf8Constant.of("b");
            counter.add(1, Attributes.builder().put(a, 1).put(b, "x").build());
            counter.add(2, Attributes.builder().put(b, "y").put(a, 1).put(b, "x").build()); // b's last value wins
            List<NumberDataPoint> points = collectSum(provider);
            assertEquals(1, points.size());
            assertEquals(3, points.get(0).getAsInt());
            assertEquals("a", points.get(0).getAttributes(0).getKey());
        }
    }

    @Test
    void registrationAndInputAreCheckedAtTheApiEdge() {
        try (MeterProvider provider = provider(100)) {
            Meter meter = provider.meter("m");
            assertSame(meter, provider.meter("m"));
            LongCounter c = meter.longCounter("requests").unit("1").build();
            assertSame(c, meter.longCounter("Requests").unit("1").build(), "same name (any case) and descriptor: same instrument");
            assertThrows(IllegalArgumentException.class, () -> meter.histogram("requests").build(), "same name, other kind");
            assertThrows(IllegalArgumentException.class, () -> meter.longCounter("1bad").build());
            assertThrows(IllegalArgumentException.class, () -> meter.longCounter("u").unit("µs").build());
            assertThrows(IllegalStateException.class, () -> meter.longCounter("x").boundaries(1, 2));
            assertThrows(IllegalArgumentException.class, () -> meter.histogram("h").boundaries(2, 1));
            assertThrows(IllegalArgumentException.class, () -> meter.histogram("h").boundaries(1, Double.NaN));
            assertThrows(IllegalArgumentException.class, () -> c.bind(null));
            assertThrows(IllegalArgumentException.class, () -> meter.longCounter("y").cardinalityLimit(1));
            c.add(-1);
            meter.histogram("h").build().record(Double.NaN);
            meter.doubleCounter("d").build().add(Double.POSITIVE_INFINITY);
            c.add(1, null); // null attributes at the hot path: the empty set, never a throw
            assertEquals(3, provider.refusedMeasurements());
        }
        assertThrows(IllegalStateException.class, () -> MeterProvider.builder().build(), "an exporter is required");
    }

    @Test
    void theStandardVariablesConfigureTheProvider() {
        Map<String, String> env = new HashMap<>();
        env.put(MeterProvider.TEMPORALITY_VARIABLE, "LowMemory");
        env.put(MeterProvider.EXPORT_INTERVAL_VARIABLE, "5000");
        env.put(MeterProvider.EXPORT_TIMEOUT_VARIABLE, "1000");
        try (MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).maxRequestBytes(1 << 16)
                .fromEnvironment(env::get).build()) {
            Meter meter = provider.meter("m");
            assertTrue(meter.longCounter("c").build().delta, "lowmemory: counters delta");
            assertTrue(meter.histogram("h").build().delta, "lowmemory: histograms delta");
            assertTrue(!meter.longUpDownCounter("u").build().delta, "lowmemory: up-down counters cumulative");
        }
        env.put(MeterProvider.TEMPORALITY_VARIABLE, "sometimes");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> MeterProvider.builder().fromEnvironment(env::get));
        assertTrue(e.getMessage().contains(MeterProvider.TEMPORALITY_VARIABLE), e.getMessage());
        env.put(MeterProvider.TEMPORALITY_VARIABLE, "delta");
        env.put(MeterProvider.EXPORT_INTERVAL_VARIABLE, "-5");
        e = assertThrows(IllegalArgumentException.class, () -> MeterProvider.builder().fromEnvironment(env::get));
        assertTrue(e.getMessage().contains(MeterProvider.EXPORT_INTERVAL_VARIABLE), e.getMessage());
    }

    @Test
    void aThrowingCallbackCostsOnlyItsOwnPoints() throws Exception {
        try (MeterProvider provider = provider(100)) {
            Meter meter = provider.meter("m");
            ObservableInstrument failing = meter.observableLongGauge("failing").callback(m -> {
                throw new IllegalStateException("broken callback");
            }).build();
            meter.longCounter("c").build().add(5);
            List<NumberDataPoint> points = collectSum(provider);
            assertEquals(5, points.get(0).getAsInt(), "the other instruments are collected");
            assertEquals(1, failing.callbackFailures());
            assertThrows(IllegalStateException.class, () -> meter.observableLongCounter("x").build(), "a callback is required");
            assertThrows(IllegalStateException.class, () -> meter.longCounter("y").callback(m -> { }));
        }
    }

    @Test
    void lowMemoryKeepsObservableCountersCumulative() {
        try (MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).maxRequestBytes(1 << 16)
                .exportInterval(Duration.ofHours(1)).temporality(TemporalityPreference.LOW_MEMORY).build()) {
            Meter meter = provider.meter("m");
            assertTrue(!meter.observableLongCounter("o").callback(m -> { }).build().delta);
            assertTrue(meter.longCounter("c").build().delta);
        }
        try (MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).maxRequestBytes(1 << 16)
                .exportInterval(Duration.ofHours(1)).temporality(TemporalityPreference.DELTA).build()) {
            assertTrue(provider.meter("m").observableLongCounter("o").callback(m -> { }).build().delta);
        }
    }

    @Test
    void anObservableCounterSumsTheSetsPastItsLimitInTheOverflowSeries() throws Exception {
        try (MeterProvider provider = provider(3)) {
            Attributes[] sets = new Attributes[5];
            for (int i = 0; i < sets.length; i++) {
                sets[i] = Attributes.builder().put(KEY, i).build();
            }
            provider.meter("m").observableLongCounter("o").callback(m -> {
                for (int i = 0; i < sets.length; i++) {
                    m.record(10L * (i + 1), sets[i]);
                }
            }).build();
            List<NumberDataPoint> points = collectSum(provider);
            assertEquals(3, points.size(), "two sets and the overflow series");
            assertEquals(10, points.get(0).getAsInt());
            assertEquals(20, points.get(1).getAsInt());
            assertEquals(30 + 40 + 50, points.get(2).getAsInt(), "the overflow series sums what it took");
            assertEquals("otel.metric.overflow", points.get(2).getAttributes(0).getKey());
        }
    }
}
