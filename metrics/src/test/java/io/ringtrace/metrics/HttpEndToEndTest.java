package io.ringtrace.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.exporter.OtlpExporters;
import io.ringtrace.exporter.OtlpHttpSpanExporter;
import io.ringtrace.testkit.OtlpHttpReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Metrics over OTLP/HTTP ({@code POST /v1/metrics}) to the testkit's HTTP receiver, decoded with the official classes. */
class HttpEndToEndTest {

    @Test
    void metricsArePostedToV1Metrics() throws Exception {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
            OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                    .endpoint(Signal.METRICS, receiver.baseUrl() + "/v1/metrics").build();
            try (MeterProvider provider = MeterProvider.builder().exporter(exporter).exportInterval(Duration.ofHours(1)).build()) {
                Histogram sizes = provider.meter("io.example.io").histogram("payload.size").unit("By").boundaries(100, 1000).build();
                Histogram.Bound small = sizes.bind(Attributes.of(Utf8Constant.of("direction"), "in"));
                small.record(50);
                small.record(500);
                small.record(5000);
                assertTrue(provider.flush(Duration.ofSeconds(20)));
                assertEquals(1, receiver.metricsRequests().size());
                Metric metric = receiver.metricsRequests().get(0).getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
                assertEquals("payload.size", metric.getName());
                assertEquals("By", metric.getUnit());
                HistogramDataPoint p = metric.getHistogram().getDataPoints(0);
                assertEquals(List.of(1L, 1L, 1L), p.getBucketCountsList());
                assertEquals(List.of(100.0, 1000.0), p.getExplicitBoundsList());
                assertEquals(5550, p.getSum());
                assertEquals(1, provider.exportedPoints());
            }
        }
    }

    @Test
    void theReadmesExporterFromTheEnvironmentIsOtlpHttpWithoutAProtocolVariable() throws Exception {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
            SpanExporter exporter = OtlpExporters.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.baseUrl()),
                    Signal.METRICS);
            try (MeterProvider provider = MeterProvider.builder().exporter(exporter).exportInterval(Duration.ofHours(1)).build()) {
                provider.meter("io.example.http").longCounter("http.server.requests").build().add(3, Attributes.empty());
                assertTrue(provider.flush(Duration.ofSeconds(20)));
                assertEquals(List.of("/v1/metrics"), receiver.paths());
                Metric metric = receiver.metricsRequests().get(0).getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
                assertEquals("http.server.requests", metric.getName());
                assertEquals(3, metric.getSum().getDataPoints(0).getAsInt());
            }
        }
    }
}
