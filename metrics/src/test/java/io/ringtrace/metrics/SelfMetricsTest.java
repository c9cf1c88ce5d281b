package io.ringtrace.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pipeline's own health: the stats snapshot, and the same values as instruments of the io.ringtrace.metrics and io.ringtrace.engine meters. */
class SelfMetricsTest {

    private static final Utf8Constant ID = Utf8Constant.of("id");

    /** Fails every request, or throws from export. */
    private static final class FailingExporter implements SpanExporter {
        private final boolean throwing;

        FailingExporter(boolean throwing) {
            this.throwing = throwing;
        }

        @Override
        public void export(ExportRequest request) {
            if (throwing) {
                throw new IllegalStateException("export refused");
            }
            request.failed(DropReason.EXPORT_FAILED);
        }

        @Override
        public void shutdown(long deadlineNanoTime) {
        }
    }

    /** Metric name (and error.type, after a '/') to the value of its point, for one scope of a collection. */
    private static Map<String, Double> collect(MeterProvider provider, String scope) throws Exception {
        Map<String, Double> values = new HashMap<>();
        try (CapturingSink sink = new CapturingSink(1 << 16, true)) {
            provider.collect(sink);
            for (byte[] request : sink.requests) {
                for (ScopeMetrics s : ExportMetricsServiceRequest.parseFrom(request).getResourceMetrics(0).getScopeMetricsList()) {
                    if (!s.getScope().getName().equals(scope)) {
                        continue;
                    }
                    for (Metric m : s.getMetricsList()) {
                        if (m.hasHistogram()) {
                            values.put(m.getName() + "/count", (double) m.getHistogram().getDataPoints(0).getCount());
                            continue;
                        }
                        for (NumberDataPoint p : m.hasSum() ? m.getSum().getDataPointsList() : m.getGauge().getDataPointsList()) {
                            String key = p.getAttributesCount() == 0 ? m.getName() : m.getName() + "/" + p.getAttributes(0).getValue().getStringValue();
                            values.put(key, p.hasAsInt() ? (double) p.getAsInt() : p.getAsDouble());
                        }
                    }
                }
            }
        }
        return values;
    }

    @Test
    void theStatsAndTheSelfInstrumentsAgree() throws Exception {
        try (MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                .maxRequestBytes(1 << 16).cardinalityLimit(3).selfMetrics(true).build()) {
            LongCounter counter = provider.meter("app").longCounter("c").build();
            for (int i = 0; i < 5; i++) {
                counter.add(1, Attributes.builder().put(ID, i).build()); // 2 sets, then 3 lookups to the overflow series
            }
            counter.add(-1);
            assertTrue(provider.flush(Duration.ofSeconds(10)));
            assertTrue(provider.flush(Duration.ofSeconds(10)));
            MetricsStats stats = provider.stats(new MetricsStats());
            assertEquals(2, stats.collections());
            assertEquals(stats.requestsSent(), stats.requestsSucceeded());
            assertTrue(stats.requestsSent() >= 2, stats.toString());
            assertEquals(0, stats.requestsFailed());
            assertTrue(stats.pointsExported() > 3, stats.toString());
            assertEquals(3, stats.seriesOverflowed());
            assertEquals(1, stats.measurementsRefused());
            assertTrue(stats.collectionNanosLast() > 0 && stats.collectionNanosMax() >= stats.collectionNanosLast());

            Map<String, Double> self = collect(provider, SelfMetrics.SCOPE);
            assertEquals(stats.pointsExported(), self.get("otel.sdk.exporter.metric_data_point.exported"));
            assertEquals(stats.requestsSucceeded(), self.get("ringtrace.metrics.export.requests"));
            assertEquals(0.0, self.get("ringtrace.metrics.export.requests/failed"));
            assertEquals(3.0, self.get("ringtrace.metrics.series.overflowed"));
            assertEquals(1.0, self.get("ringtrace.metrics.measurement.refused"));
            assertEquals(0.0, self.get("ringtrace.metrics.data_point.dropped"));
            assertEquals(2.0, self.get("otel.sdk.metric_reader.collection.duration/count"), "one duration per collection before this one");
        }
    }

    @Test
    void failedAndThrowingExportsAreCountedPerRequestAndPerPoint() throws Exception {
        for (boolean throwing : new boolean[] {false, true}) {
            try (MeterProvider provider = MeterProvider.builder().exporter(new FailingExporter(throwing))
                    .exportInterval(Duration.ofHours(1)).maxRequestBytes(1 << 16).selfMetrics(true).build()) {
                provider.meter("app").longCounter("c").build().add(1);
                provider.flush(Duration.ofSeconds(10));
                MetricsStats stats = provider.stats(new MetricsStats());
                assertEquals(1, stats.requestsSent(), "throwing " + throwing);
                assertEquals(1, stats.requestsFailed(), "throwing " + throwing);
                assertEquals(0, stats.requestsSucceeded());
                assertEquals(0, stats.pointsExported());
                assertTrue(stats.pointsDropped(DropReason.EXPORT_FAILED) > 1, "the counter's point and the self instruments'");
                Map<String, Double> self = collect(provider, SelfMetrics.SCOPE);
                assertEquals(stats.pointsDropped(DropReason.EXPORT_FAILED), self.get("otel.sdk.exporter.metric_data_point.exported/export_failed"));
                assertEquals(1.0, self.get("ringtrace.metrics.export.requests/failed"));
            }
        }
    }

    @Test
    void theEnginesSpanCountersArePublishedAndCollectingThemAllocatesNothing() throws Exception {
        TraceEngine engine = TraceEngine.builder().exporter(new NoopExporter()).build();
        try (MeterProvider provider = MeterProvider.builder().exporter(new NoopExporter()).exportInterval(Duration.ofHours(1))
                .maxRequestBytes(1 << 16).selfMetrics(true).build();
                CapturingSink reused = new CapturingSink(1 << 16, false)) {
            EngineMetrics.register(provider, engine);
            Tracer tracer = engine.tracer(InstrumentationScope.of("t"));
            Utf8Constant op = Utf8Constant.of("op");
            for (int i = 0; i < 100; i++) {
                tracer.start(op).end();
            }
            assertTrue(engine.flush(Duration.ofSeconds(10)));
            Map<String, Double> values = collect(provider, EngineMetrics.SCOPE);
            assertEquals(100.0, values.get("ringtrace.engine.span.published"));
            assertEquals(100.0, values.get("otel.sdk.exporter.span.exported"));
            assertEquals(0.0, values.get("otel.sdk.exporter.span.inflight"));
            assertTrue(values.get("otel.sdk.processor.span.queue.capacity") > 0);
            assertTrue(values.get("ringtrace.engine.memory.off_heap") > 0);
            assertTrue(values.get("ringtrace.engine.export.requests") >= 1);

            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            for (int i = 0; i < 2000; i++) {
                provider.collect(reused);
            }
            long bytes = -1;
            for (int w = 0; w < 5 && bytes != 0; w++) { // a one-off JIT deoptimization may allocate once
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 100; i++) {
                    provider.collect(reused);
                }
                bytes = threads.getCurrentThreadAllocatedBytes() - before;
            }
            assertEquals(0, bytes, "bytes allocated by 100 collections of the self and engine instruments");
        } finally {
            engine.close();
        }
    }
}
