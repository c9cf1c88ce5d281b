package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.OtlpReceiver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code OTEL_EXPORTER_OTLP_[TRACES_]PROTOCOL} picks the transport ({@code http/protobuf} by default,
 * as the OTLP specification has it, or {@code grpc}), {@code http/json} and unknown values are refused
 * naming the variable, and the OTLP/HTTP URL is built from the endpoint variables as the
 * specification says.
 */
class ProtocolSelectionTest extends ExporterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private SpanExporter built(Map<String, String> env) {
        return built(env, Signal.TRACES);
    }

    private SpanExporter built(Map<String, String> env, Signal signal) {
        SpanExporter exporter = OtlpExporters.fromEnvironment(env, signal);
        if (exporter instanceof OtlpHttpSpanExporter) {
            track((OtlpHttpSpanExporter) exporter);
        } else {
            track((OtlpGrpcSpanExporter) exporter);
        }
        return exporter;
    }

    @Test
    void httpUnlessTheEnvironmentAsksForGrpc() {
        OtlpHttpSpanExporter byDefault = assertInstanceOf(OtlpHttpSpanExporter.class, built(Map.of()));
        assertEquals("http://localhost:4318/v1/traces", byDefault.endpoint().toString());
        assertTrue(OtlpExporters.isHttp(Map.of()));
        assertInstanceOf(OtlpHttpSpanExporter.class, built(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")));

        OtlpGrpcSpanExporter grpc = assertInstanceOf(OtlpGrpcSpanExporter.class,
                built(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")));
        assertEquals("localhost:4317", grpc.target(), "gRPC keeps its own default endpoint");
        assertFalse(OtlpExporters.isHttp(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")));
        assertFalse(OtlpExporters.isHttp(Map.of("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "GRPC")));
        assertInstanceOf(OtlpGrpcSpanExporter.class, built(Map.of("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc")));

        assertInstanceOf(OtlpGrpcSpanExporter.class, built(Map.of(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc")),
                "the signal-specific variable wins");
        assertInstanceOf(OtlpHttpSpanExporter.class, built(Map.of(
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf")),
                "the signal-specific variable wins");
    }

    @Test
    void eachSignalDefaultsToItsOwnHttpPath() {
        OtlpHttpSpanExporter metrics = assertInstanceOf(OtlpHttpSpanExporter.class, built(Map.of(), Signal.METRICS));
        assertEquals("http://localhost:4318/v1/metrics", metrics.endpoint(Signal.METRICS).toString());
        OtlpHttpSpanExporter logs = assertInstanceOf(OtlpHttpSpanExporter.class, built(Map.of(), Signal.LOGS));
        assertEquals("http://localhost:4318/v1/logs", logs.endpoint(Signal.LOGS).toString());
        assertInstanceOf(OtlpGrpcSpanExporter.class, built(Map.of("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "grpc"), Signal.LOGS));
        assertInstanceOf(OtlpHttpSpanExporter.class, built(Map.of("OTEL_EXPORTER_OTLP_LOGS_PROTOCOL", "grpc"), Signal.METRICS),
                "another signal's protocol does not apply");
    }

    @Test
    void withoutAProtocolVariableSpansGoOverHttpToTheEndpointsPort() throws InterruptedException {
        OtlpHttpReceiver receiver = closeAfterTest(OtlpHttpReceiver.start());
        SpanExporter exporter = built(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.baseUrl()));

        TestRequest request = request(otlpRequest(3));
        exporter.export(request);

        assertTrue(request.await(WAIT).succeeded());
        assertEquals(3, receiver.spanCount());
        assertEquals(List.of("/v1/traces"), receiver.paths());
        assertTrue(logLines().isEmpty(), logLines().toString());
    }

    @Test
    void grpcStillSelectsOtlpGrpc() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        SpanExporter exporter = built(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint()));

        TestRequest request = request(otlpRequest(3));
        exporter.export(request);

        assertTrue(request.await(WAIT).succeeded());
        assertEquals(3, receiver.spanCount());
        assertEquals(1, receiver.callCount(), "one gRPC Export call");
    }

    @Test
    void anEndpointOnTheGrpcPortWithoutAProtocolIsWarnedAbout() {
        assertInstanceOf(OtlpHttpSpanExporter.class, built(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317")));
        List<String> warnings = logLines();
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).startsWith("OTEL_EXPORTER_OTLP_ENDPOINT points at port 4317")
                && warnings.get(0).contains("OTEL_EXPORTER_OTLP_PROTOCOL=grpc"), warnings.get(0));
        assertFalse(warnings.get(0).contains("127.0.0.1"), "the variable's name, not its value: " + warnings.get(0));

        built(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://127.0.0.1:4317/v1/traces"));
        assertTrue(logLines().get(1).startsWith("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT points at port 4317"), logLines().toString());

        built(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"));
        built(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"));
        built(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"));
        assertEquals(2, logLines().size(), "no warning once the protocol is named, nor on the HTTP port: " + logLines());
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
        IllegalArgumentException notAUrl = assertThrows(IllegalArgumentException.class,
                () -> OtlpExporters.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "not a url")));
        assertTrue(notAUrl.getMessage().startsWith("OTEL_EXPORTER_OTLP_ENDPOINT 'not a url' is not a valid URL"),
                "the value as set, not with the signal's path appended: " + notAUrl.getMessage());
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
