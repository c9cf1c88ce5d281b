package io.ringtrace.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Resource;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import io.ringtrace.exporter.RetryPolicy;
import io.ringtrace.testkit.OtlpReceiver;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** Metrics through the exporter module's gRPC transport to the testkit receiver on 127.0.0.1, decoded with the official classes. */
class GrpcEndToEndTest {

    private static final Utf8Constant ROUTE = Utf8Constant.of("route");

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() - deadline < 0, "timed out waiting for " + what);
            Thread.sleep(5); // polling a condition with a deadline, not a fixed wait
        }
    }

    private static List<Metric> metrics(List<ExportMetricsServiceRequest> requests) {
        List<Metric> all = new ArrayList<>();
        for (ExportMetricsServiceRequest r : requests) {
            for (ResourceMetrics rm : r.getResourceMetricsList()) {
                rm.getScopeMetricsList().forEach(sm -> all.addAll(sm.getMetricsList()));
            }
        }
        return all;
    }

    @Test
    void flushAndCloseDeliverOverGrpc() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint()).build();
            MeterProvider provider = MeterProvider.builder()
                    .resource(Resource.builder().attribute("service.name", "checkout").build())
                    .exporter(exporter).exportInterval(Duration.ofHours(1)).temporality(TemporalityPreference.DELTA).build();
            try {
                Meter meter = provider.meter(InstrumentationScope.builder("io.example.http").version("2.1").build());
                LongCounter requests = meter.longCounter("http.server.requests").unit("{request}").build();
                Histogram latency = meter.histogram("http.server.duration").unit("ms").boundaries(1, 10, 100).build();
                Histogram sizes = meter.histogram("http.server.response.size").unit("By").exponential(4, 20).build();
                Attributes get = Attributes.of(ROUTE, "/get");
                LongCounter.Bound getRequests = requests.bind(get);
                for (int i = 0; i < 10; i++) {
                    getRequests.add(1);
                    latency.record(i * 20, get);
                    sizes.record(1 << i, get); // 1 B .. 512 B in at most four buckets: scale -2, base 16
                }
                assertTrue(provider.flush(Duration.ofSeconds(20)), "flush completes");
                List<ExportMetricsServiceRequest> received = receiver.metricsRequests();
                assertEquals(1, received.size());
                ResourceMetrics rm = received.get(0).getResourceMetrics(0);
                assertEquals("checkout", rm.getResource().getAttributes(0).getValue().getStringValue());
                assertEquals("io.example.http", rm.getScopeMetrics(0).getScope().getName());
                assertEquals("2.1", rm.getScopeMetrics(0).getScope().getVersion());
                List<Metric> metrics = metrics(received);
                Metric counter = metrics.get(0);
                assertEquals("http.server.requests", counter.getName());
                assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, counter.getSum().getAggregationTemporality());
                assertTrue(counter.getSum().getIsMonotonic());
                NumberDataPoint point = counter.getSum().getDataPoints(0);
                assertEquals(10, point.getAsInt());
                assertEquals("/get", point.getAttributes(0).getValue().getStringValue());
                assertTrue(point.getTimeUnixNano() > point.getStartTimeUnixNano() && point.getStartTimeUnixNano() > 0);
                HistogramDataPoint h = metrics.get(1).getHistogram().getDataPoints(0);
                assertEquals(10, h.getCount());
                assertEquals(900, h.getSum());
                assertEquals(List.of(1L, 0L, 5L, 4L), h.getBucketCountsList()); // 0 | 20..100 | 120..180
                assertEquals(0, h.getMin());
                assertEquals(180, h.getMax());
                ExponentialHistogramDataPoint e = metrics.get(2).getExponentialHistogram().getDataPoints(0);
                assertEquals(10, e.getCount());
                assertEquals(-2, e.getScale(), "(16^i, 16^(i+1)] buckets: at scale -1, 1 .. 512 would span six");
                assertEquals(-1, e.getPositive().getOffset());
                assertEquals(List.of(1L, 4L, 4L, 1L), e.getPositive().getBucketCountsList()); // 1 | 2..16 | 32..256 | 512
                assertEquals(3, provider.exportedPoints());

                getRequests.add(5); // recorded after the flush: the close collects it
            } finally {
                provider.close();
            }
            List<Metric> afterClose = metrics(receiver.metricsRequests());
            assertEquals(4, afterClose.size(), "close collected once more: only the counter changed");
            Metric last = afterClose.get(3);
            assertEquals(5, last.getSum().getDataPoints(0).getAsInt());
            assertEquals(afterClose.get(0).getSum().getDataPoints(0).getTimeUnixNano(),
                    last.getSum().getDataPoints(0).getStartTimeUnixNano(), "a delta point starts where the previous ended");
            assertEquals(4, provider.exportedPoints());
            assertEquals(2, provider.requestsSent());
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                assertFalse(t.getName().equals("ringtrace-metrics-reader") && t.isAlive(), "close joined the reader thread");
            }
        }
    }

    @Test
    void theReaderThreadExportsEveryInterval() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint()).build();
            try (MeterProvider provider = MeterProvider.builder().exporter(exporter)
                    .fromEnvironment(name -> name.equals(MeterProvider.EXPORT_INTERVAL_VARIABLE) ? "100" : null).build()) {
                LongUpDownCounter depth = provider.meter("queue").longUpDownCounter("queue.depth").build();
                depth.add(7);
                await(() -> receiver.metricsRequests().size() >= 2, Duration.ofSeconds(20), "two periodic exports");
                Metric m = metrics(receiver.metricsRequests()).get(1);
                assertEquals(7, m.getSum().getDataPoints(0).getAsInt());
                assertFalse(m.getSum().getIsMonotonic());
                assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, m.getSum().getAggregationTemporality());
            }
        }
    }

    @Test
    void anUnreachableReceiverIsCountedAsFailedExports() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder().endpoint("http://127.0.0.1:" + port)
                .retryPolicy(RetryPolicy.none()).timeout(Duration.ofSeconds(2)).build();
        MeterProvider provider = MeterProvider.builder().exporter(exporter).exportInterval(Duration.ofHours(1)).build();
        try {
            LongCounter c = provider.meter("m").longCounter("c").build();
            c.add(1, Attributes.of(ROUTE, "/a"));
            c.add(1, Attributes.of(ROUTE, "/b"));
            assertTrue(provider.flush(Duration.ofSeconds(20)), "the exporter completes the request, as failed");
            assertEquals(2, provider.droppedPoints(DropReason.EXPORT_FAILED));
            assertEquals(0, provider.exportedPoints());
        } finally {
            provider.close();
        }
    }

    @Test
    void aSharedExporterOutlivesTheProvider() throws Exception {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint()).build();
            try {
                for (int round = 1; round <= 2; round++) {
                    MeterProvider provider = MeterProvider.builder().sharedExporter(exporter).exportInterval(Duration.ofHours(1)).build();
                    provider.meter("shared").longCounter("c").build().add(round);
                    provider.close(); // exports once more; leaves the exporter running for its owner
                    assertEquals(1, provider.exportedPoints(), "round " + round);
                }
                assertEquals(2, receiver.metricsRequests().size());
            } finally {
                exporter.shutdown(System.nanoTime() + Duration.ofSeconds(10).toNanos());
            }
        }
    }
}
