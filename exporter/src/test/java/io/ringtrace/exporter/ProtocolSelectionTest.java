package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.SpanExporter;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL} picks the transport ({@code grpc} by default,
 * {@code http/protobuf}), {@code http/json} and unknown values are refused naming the variable, and
 * the OTLP/HTTP URL is built from the endpoint variables as the specification says.
 */
class ProtocolSelectionTest extends ExporterTestBase {

    private SpanExporter built(Map<String, String> env) {
        SpanExporter exporter = OtlpExporters.fromEnvironment(env);
        if (exporter instanceof OtlpHttpSpanExporter) {
            track((OtlpHttpSpanExporter) exporter);
        } else {
            track((OtlpGrpcSpanExporter) exporter);
        }
        return exporter;
    }

    @Test
    void grpcUnlessTheEnvironmentAsksForHttp() {
        assertInstanceOf(OtlpGrpcSpanExporter.class, built(Map.of()));
        assertInstanceOf(OtlpGrpcSpanExporter.class, built(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")));
        assertInstanceOf(OtlpHttpSpanExporter.class, built(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")));
        assertInstanceOf(OtlpGrpcSpanExporter.class, built(Map.of(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc")),
                "the signal-specific variable wins");
    }

    @Test
    void httpUrlFromTheEndpointVariables() {
        OtlpHttpSpanExporter agentStyle = (OtlpHttpSpanExporter) built(Map.of(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"));
        assertEquals("http://127.0.0.1:4318/v1/traces", agentStyle.endpoint().toString());
        OtlpHttpSpanExporter withBasePath = (OtlpHttpSpanExporter) built(Map.of(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT", "https://gw.example/otlp/"));
        assertEquals("https://gw.example/otlp/v1/traces", withBasePath.endpoint().toString());
        OtlpHttpSpanExporter specific = (OtlpHttpSpanExporter) built(Map.of(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://ignored:4318",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:9999/custom/path"));
        assertEquals("http://collector:9999/custom/path", specific.endpoint().toString(), "used as is");
        OtlpHttpSpanExporter defaults = (OtlpHttpSpanExporter) built(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));
        assertEquals("http://localhost:4318/v1/traces", defaults.endpoint().toString());
    }

    @Test
    void unsupportedProtocolsAreRefusedNamingTheVariable() {
        IllegalArgumentException json = assertThrows(IllegalArgumentException.class,
                () -> OtlpExporters.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/json")));
        assertTrue(json.getMessage().startsWith("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=http/json"), json.getMessage());
        assertTrue(json.getMessage().contains("http/protobuf"), json.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> OtlpExporters.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "udp")));
        assertTrue(unknown.getMessage().startsWith("OTEL_EXPORTER_OTLP_PROTOCOL=udp"), unknown.getMessage());
        IllegalArgumentException wrongBuilder = assertThrows(IllegalArgumentException.class,
                () -> OtlpHttpSpanExporter.builder().fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")));
        assertTrue(wrongBuilder.getMessage().contains("OTEL_EXPORTER_OTLP_PROTOCOL"), wrongBuilder.getMessage());
    }

    @Test
    void httpEndpointErrorsNameTheSettingAndHideUserInfo() {
        IllegalArgumentException userInfo = assertThrows(IllegalArgumentException.class,
                () -> OtlpHttpSpanExporter.builder().fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                        "OTEL_EXPORTER_OTLP_ENDPOINT", "https://user:hunter2@collector:4318")));
        assertTrue(userInfo.getMessage().startsWith("OTEL_EXPORTER_OTLP_ENDPOINT"), userInfo.getMessage());
        assertFalse(userInfo.getMessage().contains("hunter2"), userInfo.getMessage());
        IllegalArgumentException scheme = assertThrows(IllegalArgumentException.class,
                () -> OtlpHttpSpanExporter.builder().endpoint("dns:///collector:4318"));
        assertTrue(scheme.getMessage().startsWith("endpoint"), scheme.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OtlpHttpSpanExporter.builder().addHeader("content-type", "x"));
        IllegalArgumentException badValue = assertThrows(IllegalArgumentException.class,
                () -> OtlpHttpSpanExporter.builder().addHeader("api-key", "s3cr3t\n"));
        assertFalse(badValue.getMessage().contains("s3cr3t"), badValue.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OtlpHttpSpanExporter.builder()
                .endpoint("http://127.0.0.1:4318/v1/traces").trustedCertificates(java.nio.file.Path.of("/ca.pem")).build(),
                "certificates with a plain-text URL");
    }
}
