package io.ringtrace.metrics;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Resource;
import io.ringtrace.codec.Utf8Constant;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Randomized, seeded: instruments of every kind (exponential histograms of several bucket counts and
 * scales included), attribute sets of every value type, both temporalities and histogram contents are recorded, collected and encoded; the bytes must equal
 * protobuf-java's {@code toByteArray()} of the same request built with the official classes.
 */
class EncodingFidelityTest {

    private static final String[] KEYS = {"http.method", "route", "ü-key", "k", "status", "", "peer.\uD83D\uDE00"};
    private static final String[] STRINGS = {"GET", "/a/b", "", "ä€\uD83D\uDE00", "x\uD800y", "a longer value with spaces"};


    @Test
    void randomRequestsAreByteIdenticalToProtobufJava() throws Exception {
        Random random = new Random(20261206L);
        for (int c = 0; c < 300; c++) {
            runCase(random, c);
        }
    }

    private void runCase(Random random, int caseNumber) throws Exception {
        boolean delta = random.nextBoolean();
        AtomicLong clock = new AtomicLong(1_700_000_000_000_000_000L + random.nextInt(1000));
        Resource resource = Resource.builder().attribute("service.name", "svc" + caseNumber)
                .schemaUrl(random.nextBoolean() ? "https://opentelemetry.io/schemas/1.24.0" : "").build();
        try (MeterProvider provider = MeterProvider.builder().resource(resource).exporter(new NoopExporter())
                .exportInterval(Duration.ofHours(1)).temporality(delta ? TemporalityPreference.DELTA : TemporalityPreference.CUMULATIVE)
                .maxRequestBytes(1 << 20).clock(clock::get).build();
                CapturingSink sink = new CapturingSink(1 << 20, true)) {
            long start = clock.get();
            List<InstrumentationScope> scopes = new ArrayList<>();
            List<List<FidelityModel.InstrumentModel>> models = new ArrayList<>();
            int meterCount = 1 + random.nextInt(3);
            for (int m = 0; m < meterCount; m++) {
                InstrumentationScope.Builder sb = InstrumentationScope.builder("lib" + m);
                if (random.nextBoolean()) {
                    sb.version("1." + m);
                }
                if (random.nextBoolean()) {
                    sb.schemaUrl("https://example.com/s" + m);
                }
                if (random.nextBoolean()) {
                    sb.attribute("scope.attr", "v" + m);
                }
                InstrumentationScope scope = sb.build();
                Meter meter = provider.meter(scope);
                scopes.add(scope);
                List<FidelityModel.InstrumentModel> instruments = new ArrayList<>();
                int n = 1 + random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    instruments.add(newInstrument(random, meter, "m" + i));
                }
                models.add(instruments);
            }
            long previous = start;
            for (int round = 0; round < 2; round++) {
                for (List<FidelityModel.InstrumentModel> instruments : models) {
                    for (FidelityModel.InstrumentModel im : instruments) {
                        if (delta) {
                            for (FidelityModel.Model s : im.series.values()) {
                                resetForDelta(im, s);
                            }
                        }
                        record(random, im);
                    }
                }
                clock.addAndGet(1_000_000_000L + random.nextInt(1000));
                long now = clock.get();
                sink.requests.clear();
                provider.collect(sink);
                ExportMetricsServiceRequest expected = FidelityModel.expected(resource, scopes, models, delta, start, previous, now);
                if (expected.getResourceMetricsCount() == 0) {
                    assertEquals(0, sink.requests.size(), "case " + caseNumber + ": nothing to send");
                } else {
                    assertEquals(1, sink.requests.size(), "case " + caseNumber);
                    byte[] actual = sink.requests.get(0);
                    assertArrayEquals(expected.toByteArray(), actual, "case " + caseNumber + " round " + round);
                    assertEquals(ExportMetricsServiceRequest.parseFrom(expected.toByteArray()), ExportMetricsServiceRequest.parseFrom(actual),
                            "case " + caseNumber + " round " + round);
                }
                previous = now;
            }
        }
    }

    private static void resetForDelta(FidelityModel.InstrumentModel im, FidelityModel.Model s) {
        if (im.kind == InstrumentKind.LONG_COUNTER || im.kind == InstrumentKind.DOUBLE_COUNTER || im.kind == InstrumentKind.HISTOGRAM
                || im.kind == InstrumentKind.EXPONENTIAL_HISTOGRAM) {
            s.values.clear();
            s.longValue = 0;
            s.doubleValue = 0;
            s.count = 0;
            s.min = Double.POSITIVE_INFINITY;
            s.max = Double.NEGATIVE_INFINITY;
            s.buckets = new long[s.buckets.length];
        }
    }

    private static FidelityModel.InstrumentModel newInstrument(Random random, Meter meter, String name) {
        InstrumentKind kind = InstrumentKind.values()[random.nextInt(InstrumentKind.values().length)];
        String description = random.nextBoolean() ? "" : "the " + name + " ✓";
        String unit = random.nextBoolean() ? "" : "ms";
        double[] boundaries = null;
        Object instrument = null;
        int[] exponential = {160, 20};
        switch (kind) {
            case OBSERVABLE_LONG_COUNTER:
            case OBSERVABLE_DOUBLE_COUNTER:
            case OBSERVABLE_LONG_UP_DOWN_COUNTER:
            case OBSERVABLE_LONG_GAUGE:
            case OBSERVABLE_DOUBLE_GAUGE:
                break; // built below, once the model its callback reads exists
            case LONG_COUNTER:
                instrument = meter.longCounter(name).description(description).unit(unit).build();
                break;
            case DOUBLE_COUNTER:
                instrument = meter.doubleCounter(name).description(description).unit(unit).build();
                break;
            case LONG_UP_DOWN_COUNTER:
                instrument = meter.longUpDownCounter(name).description(description).unit(unit).build();
                break;
            case LONG_GAUGE:
                instrument = meter.longGauge(name).description(description).unit(unit).build();
                break;
            case DOUBLE_GAUGE:
                instrument = meter.doubleGauge(name).description(description).unit(unit).build();
                break;
            case EXPONENTIAL_HISTOGRAM:
                exponential = new int[][] {{160, 20}, {8, 20}, {3, 4}, {20, 0}, {4, -2}}[random.nextInt(5)];
                instrument = meter.histogram(name).description(description).unit(unit).exponential(exponential[0], exponential[1]).build();
                break;
            case HISTOGRAM:
            default:
                InstrumentBuilder<Histogram> b = meter.histogram(name).description(description).unit(unit);
                int shape = random.nextInt(3);
                if (shape == 0) {
                    boundaries = Histogram.DEFAULT_BOUNDARIES;
                } else if (shape == 1) {
                    boundaries = new double[0];
                    b.boundaries(boundaries);
                } else {
                    boundaries = new double[] {-1.5, 0, 2, 1e6};
                    b.boundaries(boundaries);
                }
                instrument = b.build();
        }
        FidelityModel.InstrumentModel im = new FidelityModel.InstrumentModel(kind, name, description, unit, instrument,
                boundaries == null ? new double[0] : boundaries);
        im.maxBuckets = exponential[0];
        im.maxScale = exponential[1];
        if (kind.observable()) {
            InstrumentBuilder<ObservableInstrument> ob;
            switch (kind) {
                case OBSERVABLE_LONG_COUNTER:
                    ob = meter.observableLongCounter(name);
                    break;
                case OBSERVABLE_DOUBLE_COUNTER:
                    ob = meter.observableDoubleCounter(name);
                    break;
                case OBSERVABLE_LONG_UP_DOWN_COUNTER:
                    ob = meter.observableLongUpDownCounter(name);
                    break;
                case OBSERVABLE_LONG_GAUGE:
                    ob = meter.observableLongGauge(name);
                    break;
                default:
                    ob = meter.observableDoubleGauge(name);
            }
            boolean isDouble = kind.doublePoints();
            im.instrument = ob.description(description).unit(unit).callback(m -> {
                for (FidelityModel.Model s : im.created) {
                    if (isDouble) {
                        m.record(s.doubleValue, s.attributes);
                    } else {
                        m.record(s.longValue, s.attributes);
                    }
                }
            }).build();
        }
        int sets = 1 + random.nextInt(4);
        for (int s = 0; s < sets; s++) {
            Map<String, Object> attrs = new TreeMap<>();
            Attributes.Builder ab = Attributes.builder();
            int n = random.nextInt(4);
            for (int a = 0; a < n; a++) {
                String key = KEYS[random.nextInt(KEYS.length)];
                Object value;
                switch (random.nextInt(4)) {
                    case 0:
                        value = STRINGS[random.nextInt(STRINGS.length)];
                        ab.put(Utf8Constant.of(key), (String) value);
                        break;
                    case 1:
                        value = random.nextLong() >> random.nextInt(64);
                        ab.put(Utf8Constant.of(key), (long) (Long) value);
                        break;
                    case 2:
                        value = random.nextGaussian() * 1000;
                        ab.put(Utf8Constant.of(key), (double) (Double) value);
                        break;
                    default:
                        value = random.nextBoolean();
                        ab.put(Utf8Constant.of(key), (boolean) (Boolean) value);
                }
                attrs.put(key, value);
            }
            Attributes attributes = ab.build();
            im.series.putIfAbsent(attributes, new FidelityModel.Model(attrs, attributes, im.boundaries.length + 1));
        }
        return im;
    }

    private static void record(Random random, FidelityModel.InstrumentModel im) {
        for (FidelityModel.Model s : im.series.values()) {
            int records = random.nextInt(im.kind == InstrumentKind.EXPONENTIAL_HISTOGRAM ? 30 : 4);
            boolean bound = random.nextBoolean();
            for (int r = 0; r < records; r++) {
                switch (im.kind) {
                    case LONG_COUNTER: {
                        long v = 1 + random.nextInt(1_000_000);
                        if (bound) {
                            ((LongCounter) im.instrument).bind(s.attributes).add(v);
                        } else {
                            ((LongCounter) im.instrument).add(v, s.attributes);
                        }
                        s.longValue += v;
                        break;
                    }
                    case DOUBLE_COUNTER: {
                        double v = 0.25 + random.nextInt(1000) / 8.0;
                        ((DoubleCounter) im.instrument).add(v, s.attributes);
                        s.doubleValue += v;
                        break;
                    }
                    case LONG_UP_DOWN_COUNTER: {
                        long v = random.nextInt(2000) - 1000;
                        ((LongUpDownCounter) im.instrument).add(v, s.attributes);
                        s.longValue += v;
                        break;
                    }
                    case LONG_GAUGE: {
                        long v = random.nextLong();
                        ((LongGauge) im.instrument).set(v, s.attributes);
                        s.longValue = v;
                        break;
                    }
                    case DOUBLE_GAUGE: {
                        double v = random.nextGaussian();
                        ((DoubleGauge) im.instrument).bind(s.attributes).set(v);
                        s.doubleValue = v;
                        break;
                    }
                    case OBSERVABLE_LONG_COUNTER:
                        s.longValue += 1 + random.nextInt(1000);
                        break;
                    case OBSERVABLE_DOUBLE_COUNTER:
                        s.doubleValue += random.nextInt(1000) / 4.0;
                        break;
                    case OBSERVABLE_LONG_UP_DOWN_COUNTER:
                        s.longValue += random.nextInt(2000) - 1000;
                        break;
                    case OBSERVABLE_LONG_GAUGE:
                        s.longValue = random.nextLong();
                        break;
                    case OBSERVABLE_DOUBLE_GAUGE:
                        s.doubleValue = random.nextGaussian();
                        break;
                    default: {
                        int shape = random.nextInt(8);
                        double v = shape == 0 ? random.nextInt(20000) : shape == 1 ? Math.exp(random.nextGaussian() * 10)
                                : shape == 2 ? 0 : random.nextGaussian() * 100;
                        if (bound) {
                            ((Histogram) im.instrument).bind(s.attributes).record(v);
                        } else {
                            ((Histogram) im.instrument).record(v, s.attributes);
                        }
                        s.doubleValue += v;
                        s.count++;
                        s.min = Math.min(s.min, v);
                        s.max = Math.max(s.max, v);
                        if (im.kind == InstrumentKind.EXPONENTIAL_HISTOGRAM) {
                            s.values.add(v);
                        } else {
                            s.buckets[HistogramSeries.bucketOf(im.boundaries, v)]++;
                        }
                    }
                }
                if (!s.recorded) {
                    im.created.add(s);
                }
                s.recorded = true;
            }
        }
    }


    @Test
    void aCollectionLargerThanOneRequestIsSplitAndLosesNothing() throws Exception {
        try (MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                .maxRequestBytes(MeterProvider.MIN_REQUEST_BYTES).build();
                CapturingSink sink = new CapturingSink(MeterProvider.MIN_REQUEST_BYTES, true)) {
            Meter meter = provider.meter("split");
            LongCounter counter = meter.longCounter("c").build();
            Histogram histogram = meter.histogram("h").build();
            Utf8Constant key = Utf8Constant.of("id");
            for (int i = 0; i < 500; i++) {
                Attributes a = Attributes.builder().put(key, i).build();
                counter.add(i + 1, a);
                histogram.record(i, a);
            }
            provider.collect(sink);
            assertTrue(sink.requests.size() > 5, "several requests: " + sink.requests.size());
            long counterTotal = 0;
            long histogramCount = 0;
            for (byte[] bytes : sink.requests) {
                assertTrue(bytes.length <= MeterProvider.MIN_REQUEST_BYTES);
                ExportMetricsServiceRequest r = ExportMetricsServiceRequest.parseFrom(bytes);
                assertArrayEquals(r.toByteArray(), bytes);
                for (Metric m : r.getResourceMetrics(0).getScopeMetrics(0).getMetricsList()) {
                    if (m.hasSum()) {
                        for (NumberDataPoint p : m.getSum().getDataPointsList()) {
                            counterTotal += p.getAsInt();
                        }
                    } else {
                        for (HistogramDataPoint p : m.getHistogram().getDataPointsList()) {
                            histogramCount += p.getCount();
                        }
                    }
                }
            }
            assertEquals(500L * 501 / 2, counterTotal);
            assertEquals(500, histogramCount);
            assertEquals(1000, sink.points);
        }
    }
}
