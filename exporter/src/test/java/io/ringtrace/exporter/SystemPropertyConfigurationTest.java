package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ringtrace.engine.export.SpanExporter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The exporters read configuration as the engine does and as the OpenTelemetry SDK does: an
 * {@code otel.*} system property wins over its {@code OTEL_*} environment variable.
 */
class SystemPropertyConfigurationTest extends ExporterTestBase {

    @AfterEach
    void clearProperties() {
        System.clearProperty("otel.exporter.otlp.protocol");
        System.clearProperty("otel.exporter.otlp.traces.endpoint");
    }

    @Test
    void otelSystemPropertiesConfigureTheExporter() {
        System.setProperty("otel.exporter.otlp.protocol", "http/protobuf");
        System.setProperty("otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:4999/custom/traces");

        SpanExporter exporter = OtlpExporters.fromEnvironment();

        OtlpHttpSpanExporter http = track(assertInstanceOf(OtlpHttpSpanExporter.class, exporter));
        assertEquals("http://127.0.0.1:4999/custom/traces", http.endpoint().toString());
    }

    @Test
    void withoutAProtocolSettingTheExporterIsOtlpHttp() {
        assumeTrue(System.getenv("OTEL_EXPORTER_OTLP_PROTOCOL") == null
                && System.getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") == null, "the environment names a protocol");
        System.setProperty("otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:4999/custom/traces");

        OtlpHttpSpanExporter http = track(assertInstanceOf(OtlpHttpSpanExporter.class, OtlpExporters.fromEnvironment()));
        assertEquals("http://127.0.0.1:4999/custom/traces", http.endpoint().toString());
    }

    @Test
    void theGrpcPropertySelectsOtlpGrpc() {
        System.setProperty("otel.exporter.otlp.protocol", "grpc");
        System.setProperty("otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:4999");

        OtlpGrpcSpanExporter grpc = track(assertInstanceOf(OtlpGrpcSpanExporter.class, OtlpExporters.fromEnvironment()));
        assertEquals("127.0.0.1:4999", grpc.target());
    }
}
