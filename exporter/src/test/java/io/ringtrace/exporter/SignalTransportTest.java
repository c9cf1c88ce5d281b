package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.OtlpReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One transport for every signal: a metrics and a logs request, built with the official classes and
 * sealed into off-heap memory, go through both exporters to their signal's service
 * ({@code MetricsService/Export}, {@code LogsService/Export}) or path ({@code /v1/metrics},
 * {@code /v1/logs}) and arrive equal; the per-signal variables pick each signal's URL and protocol.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SignalTransportTest extends ExporterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);

    static ExportMetricsServiceRequest metricsRequest() {
        return ExportMetricsServiceRequest.newBuilder().addResourceMetrics(ResourceMetrics.newBuilder()
                .addScopeMetrics(ScopeMetrics.newBuilder().addMetrics(Metric.newBuilder()
                        .setName("queue.depth").setUnit("1")
                        .setGauge(Gauge.newBuilder()
                                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(1_700_000_000_000_000_000L).setAsInt(42))
                                .addDataPoints(NumberDataPoint.newBuilder().setTimeUnixNano(1_700_000_001_000_000_000L).setAsInt(43))))))
                .build();
    }

    static ExportLogsServiceRequest logsRequest() {
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(ResourceLogs.newBuilder()
                .addScopeLogs(ScopeLogs.newBuilder().addLogRecords(LogRecord.newBuilder()
                        .setTimeUnixNano(1_700_000_000_000_000_000L).setSeverityText("WARN")
                        .setBody(AnyValue.newBuilder().setStringValue("order 42 rejected")))))
                .build();
    }

    @Test
    void grpcSendsEachSignalToItsService() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        TestRequest metrics = new TestRequest(offHeap(metricsRequest()), 2, Signal.METRICS);
        TestRequest logs = new TestRequest(offHeap(logsRequest()), 1, Signal.LOGS);
        TestRequest traces = request(otlpRequest(3));

        exporter.export(metrics);
        exporter.export(logs);
        exporter.export(traces);

        assertTrue(metrics.await(WAIT).succeeded());
        assertTrue(logs.await(WAIT).succeeded());
        assertTrue(traces.await(WAIT).succeeded());
        assertEquals(List.of(metricsRequest()), receiver.metricsRequests());
        assertEquals(List.of(logsRequest()), receiver.logsRequests());
        assertEquals(3, receiver.spanCount());
    }

    @Test
    void httpSendsEachSignalToItsPath() throws InterruptedException {
        OtlpHttpReceiver receiver = closeAfterTest(OtlpHttpReceiver.start());
        OtlpHttpSpanExporter exporter = httpExporterTo(receiver);
        TestRequest metrics = new TestRequest(offHeap(metricsRequest()), 2, Signal.METRICS);
        TestRequest logs = new TestRequest(offHeap(logsRequest()), 1, Signal.LOGS);

        exporter.export(metrics);
        assertTrue(metrics.await(WAIT).succeeded());
        exporter.export(logs);
        assertTrue(logs.await(WAIT).succeeded());

        assertEquals(List.of("/v1/metrics", "/v1/logs"), receiver.paths());
        assertEquals(List.of(metricsRequest()), receiver.metricsRequests());
        assertEquals(List.of(logsRequest()), receiver.logsRequests());
    }

    @Test
    void perSignalVariables() {
        OtlpHttpSpanExporter base = track(OtlpHttpSpanExporter.builder().fromEnvironment(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", "http://logs-gw:9000/ingest")).build());
        assertEquals("http://collector:4318/v1/traces", base.endpoint(Signal.TRACES).toString());
        assertEquals("http://collector:4318/v1/metrics", base.endpoint(Signal.METRICS).toString());
        assertEquals("http://logs-gw:9000/ingest", base.endpoint(Signal.LOGS).toString(), "used as is");

        OtlpHttpSpanExporter fromTracesUrl = track(OtlpHttpSpanExporter.builder()
                .endpoint("https://gw.example/otlp/v1/traces").build());
        assertEquals("https://gw.example/otlp/v1/metrics", fromTracesUrl.endpoint(Signal.METRICS).toString());

        SpanExporter metricsOverHttp = OtlpExporters.fromEnvironment(Map.of(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/protobuf"),
                Signal.METRICS);
        track(assertInstanceOf(OtlpHttpSpanExporter.class, metricsOverHttp));
        SpanExporter tracesOverGrpc = OtlpExporters.fromEnvironment(Map.of(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/protobuf"));
        track(assertInstanceOf(OtlpGrpcSpanExporter.class, tracesOverGrpc));
    }
}
