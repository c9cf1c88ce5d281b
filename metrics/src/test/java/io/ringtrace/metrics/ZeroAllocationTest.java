package io.ringtrace.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.Utf8Constant;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Bytes allocated by the recording thread (every instrument, bound and with a known attribute set)
 * and by the collecting thread (collection + encoding of 1,100 series, 100 of them exponential histograms), measured with {@link
 * com.sun.management.ThreadMXBean}; each check has a control that must allocate.
 */
class ZeroAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final Utf8Constant ROUTE = Utf8Constant.of("route");
    private static final Utf8Constant ID = Utf8Constant.of("id");
    private static final int WARM_UP = 200_000;
    private static final int MEASURED = 100_000;

    private static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    private interface Op {
        void run(int i);
    }

    private static long bytesOf(Op op) {
        for (int i = 0; i < WARM_UP; i++) {
            op.run(i);
        }
        long before = allocated();
        for (int i = 0; i < MEASURED; i++) {
            op.run(i);
        }
        return allocated() - before;
    }

    @Test
    void recordingAllocatesNothingBoundOrWithAKnownAttributeSet() {
        try (MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                .maxRequestBytes(MeterProvider.MIN_REQUEST_BYTES).build()) {
            Meter meter = provider.meter("alloc");
            Attributes get = Attributes.of(ROUTE, "/get");
            Attributes[] known = new Attributes[100];
            for (int i = 0; i < known.length; i++) {
                known[i] = Attributes.builder().put(ROUTE, "/r" + i).put(ID, i).build();
            }
            // equal sets built separately: the lookup falls back from identity to hash and bytes
            Attributes[] equalCopies = new Attributes[100];
            for (int i = 0; i < known.length; i++) {
                equalCopies[i] = Attributes.builder().put(ID, i).put(ROUTE, "/r" + i).build();
            }
            LongCounter counter = meter.longCounter("c").build();
            DoubleCounter doubles = meter.doubleCounter("d").build();
            LongUpDownCounter upDown = meter.longUpDownCounter("u").build();
            LongGauge gauge = meter.longGauge("g").build();
            DoubleGauge doubleGauge = meter.doubleGauge("dg").build();
            Histogram histogram = meter.histogram("h").build();
            Histogram exponential = meter.histogram("e").exponential().build();
            LongCounter.Bound boundCounter = counter.bind(get);
            DoubleCounter.Bound boundDoubles = doubles.bind(get);
            LongUpDownCounter.Bound boundUpDown = upDown.bind(get);
            LongGauge.Bound boundGauge = gauge.bind(get);
            DoubleGauge.Bound boundDoubleGauge = doubleGauge.bind(get);
            Histogram.Bound boundHistogram = histogram.bind(get);
            Histogram.Bound boundExponential = exponential.bind(get);

            assertEquals(0, bytesOf(i -> boundCounter.add(1)), "bound counter add");
            assertEquals(0, bytesOf(i -> boundDoubles.add(0.5)), "bound double counter add");
            assertEquals(0, bytesOf(i -> boundUpDown.add(i & 1) ), "bound up-down add");
            assertEquals(0, bytesOf(i -> boundGauge.set(i)), "bound gauge set");
            assertEquals(0, bytesOf(i -> boundDoubleGauge.set(i * 0.5)), "bound double gauge set");
            assertEquals(0, bytesOf(i -> boundHistogram.record(i % 12_000)), "bound histogram record");
            assertEquals(0, bytesOf(i -> boundExponential.record((i % 12_000) - 2_000)), "bound exponential histogram record");
            assertEquals(0, bytesOf(i -> counter.add(1, known[i % 100])), "counter add, one of 100 known sets");
            assertEquals(0, bytesOf(i -> counter.add(1, equalCopies[i % 100])), "counter add, equal copies of known sets");
            assertEquals(0, bytesOf(i -> doubles.add(1.5, known[i % 100])), "double counter add, known sets");
            assertEquals(0, bytesOf(i -> upDown.add(-1, known[i % 100])), "up-down add, known sets");
            assertEquals(0, bytesOf(i -> gauge.set(i, known[i % 100])), "gauge set, known sets");
            assertEquals(0, bytesOf(i -> doubleGauge.set(i, known[i % 100])), "double gauge set, known sets");
            assertEquals(0, bytesOf(i -> histogram.record(i % 3000, known[i % 100])), "histogram record, known sets");
            assertEquals(0, bytesOf(i -> exponential.record(i % 3000 * 0.001, known[i % 100])), "exponential record, known sets");
            assertEquals(0, bytesOf(i -> counter.add(-1)), "a refused increment");

            // control: building the attribute set at each record allocates, and the check sees it
            assertTrue(bytesOf(i -> counter.add(1, Attributes.of(ROUTE, "/get"))) > MEASURED, "control must allocate");
        }
    }

    @Test
    void collectingAndEncodingAThousandSeriesAndACallbackAllocatesNothing() {
        for (TemporalityPreference temporality : new TemporalityPreference[] {TemporalityPreference.CUMULATIVE, TemporalityPreference.DELTA}) {
            try (MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                    .temporality(temporality).maxRequestBytes(1 << 20).build();
                    CapturingSink reused = new CapturingSink(1 << 20, false);
                    CapturingSink copying = new CapturingSink(1 << 20, true)) {
                Meter meter = provider.meter("collect");
                LongCounter counter = meter.longCounter("requests").build();
                Histogram histogram = meter.histogram("latency").unit("ms").build();
                Histogram exponential = meter.histogram("latency.exponential").unit("ms").exponential().build();
                DoubleGauge gauge = meter.doubleGauge("depth").build();
                Attributes[] observed = new Attributes[50];
                long[] totals = new long[50];
                for (int i = 0; i < observed.length; i++) {
                    observed[i] = Attributes.builder().put(ID, i).build();
                }
                meter.observableLongCounter("observed.total").callback(m -> {
                    for (int i = 0; i < observed.length; i++) {
                        m.record(totals[i] += i, observed[i]); // a non-capturing-allocation callback: 0 B per collection
                    }
                }).build();
                LongCounter.Bound[] counters = new LongCounter.Bound[500];
                Histogram.Bound[] histograms = new Histogram.Bound[300];
                Histogram.Bound[] exponentials = new Histogram.Bound[100];
                DoubleGauge.Bound[] gauges = new DoubleGauge.Bound[200];
                for (int i = 0; i < 500; i++) {
                    Attributes a = Attributes.builder().put(ID, i).put(ROUTE, "/route/" + i).build();
                    counters[i] = counter.bind(a);
                    if (i < 300) {
                        histograms[i] = histogram.bind(a);
                    }
                    if (i < 100) {
                        exponentials[i] = exponential.bind(a);
                    }
                    if (i < 200) {
                        gauges[i] = gauge.bind(a);
                    }
                }
                Op recordAll = r -> {
                    for (int i = 0; i < 500; i++) {
                        counters[i].add(1 + r);
                    }
                    for (int i = 0; i < 300; i++) {
                        histograms[i].record(i + r);
                    }
                    for (int i = 0; i < 200; i++) {
                        gauges[i].set(r);
                    }
                    for (int i = 0; i < 100; i++) {
                        exponentials[i].record(r % 7 == 0 ? -(i + r) * 1e-3 : (i + r) * (1 + r % 5) * 10.0); // both signs, a range that moves
                    }
                };
                for (int r = 0; r < 300; r++) {
                    recordAll.run(r);
                    provider.collect(reused);
                }
                assertEquals(300L * 1150, reused.points, temporality + ": every collection writes 1,150 points");
                // up to 5 windows of 100 collections: a JIT deoptimization re-materializes scalar-replaced
                // objects on the thread once (a few KB); steady state is a window that allocates nothing
                long bytes = -1;
                for (int w = 0; w < 5 && bytes != 0; w++) {
                    long before = allocated();
                    for (int r = 0; r < 100; r++) {
                        recordAll.run(r);
                        provider.collect(reused);
                    }
                    bytes = allocated() - before;
                }
                assertEquals(0, bytes, temporality + ": bytes allocated by 100 collections of 1,000 series");

                // control: a sink that copies each request out allocates, and the same measurement sees it
                long before = allocated();
                recordAll.run(1);
                provider.collect(copying);
                assertTrue(allocated() - before > 10_000, "control must allocate");
            }
        }
    }
}
