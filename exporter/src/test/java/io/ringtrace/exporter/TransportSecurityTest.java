package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.testkit.OtlpReceiver;
import io.ringtrace.testkit.TestCertificates;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** TLS and mTLS with certificates generated for the test run, configured by builder and by environment. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TransportSecurityTest extends ExporterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void httpsEndpointUsesTlsTrustingTheGivenCa() throws InterruptedException {
        OtlpReceiver receiver = track(OtlpReceiver.builder().tls().start());
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .trustedCertificates(receiver.certificates().caCertificate())
                .build());
        ExportTraceServiceRequest message = otlpRequest(10);
        TestRequest request = request(message);

        exporter.export(request);

        assertTrue(request.await(WAIT).succeeded());
        assertEquals(List.of(message), receiver.requests());
    }

    @Test
    void tlsWithAnUntrustedServerCertificateFails() throws InterruptedException {
        OtlpReceiver receiver = track(OtlpReceiver.builder().tls().start());
        try (TestCertificates otherCa = TestCertificates.generate()) {
            OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                    .endpoint(receiver.endpoint())
                    .trustedCertificates(otherCa.caCertificate())
                    .waitForReady(false)
                    .retryPolicy(RetryPolicy.none())
                    .build());
            TestRequest request = request(otlpRequest(1));

            exporter.export(request);

            assertEquals(DropReason.EXPORT_FAILED, request.await(WAIT).failure());
            assertEquals(0, receiver.callCount());
        }
    }

    @Test
    void mtlsPresentsTheClientCertificate() throws InterruptedException {
        OtlpReceiver receiver = track(OtlpReceiver.builder().mtls().start());
        TestCertificates certs = receiver.certificates();
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .trustedCertificates(certs.caCertificate())
                .clientCertificate(certs.clientCertificate(), certs.clientKey())
                .compression("gzip")
                .build());
        ExportTraceServiceRequest message = otlpRequest(50);
        TestRequest request = request(message);

        exporter.export(request);

        assertTrue(request.await(WAIT).succeeded());
        assertEquals(List.of(message), receiver.requests());
    }

    @Test
    void mtlsWithoutAClientCertificateIsRefused() throws InterruptedException {
        OtlpReceiver receiver = track(OtlpReceiver.builder().mtls().start());
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .trustedCertificates(receiver.certificates().caCertificate())
                .waitForReady(false)
                .retryPolicy(RetryPolicy.none())
                .build());
        TestRequest request = request(otlpRequest(1));

        exporter.export(request);

        assertEquals(DropReason.EXPORT_FAILED, request.await(WAIT).failure());
        assertEquals(0, receiver.spanCount());
    }

    @Test
    void mtlsConfiguredFromTheStandardVariables() throws InterruptedException {
        OtlpReceiver receiver = track(OtlpReceiver.builder().mtls().start());
        TestCertificates certs = receiver.certificates();
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .fromEnvironment(Map.of(
                        "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:1", // overridden by the TRACES_ one
                        "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", receiver.endpoint(),
                        "OTEL_EXPORTER_OTLP_CERTIFICATE", certs.caCertificate().toString(),
                        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE", certs.clientCertificate().toString(),
                        "OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY", certs.clientKey().toString(),
                        "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip",
                        "OTEL_EXPORTER_OTLP_HEADERS", "api-key=k%3Dv"))
                .build());
        TestRequest request = request(otlpRequest(3));

        exporter.export(request);

        assertTrue(request.await(WAIT).succeeded());
        assertEquals(3, receiver.spanCount());
        assertEquals("k=v", receiver.lastHeaders().get(
                io.grpc.Metadata.Key.of("api-key", io.grpc.Metadata.ASCII_STRING_MARSHALLER)));
    }

    @Test
    void certificatesWithAPlainTextEndpointAreAConfigurationError() {
        try (TestCertificates certs = TestCertificates.generate()) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> OtlpGrpcSpanExporter.builder()
                    .endpoint("http://127.0.0.1:4317")
                    .clientCertificate(certs.clientCertificate(), certs.clientKey())
                    .build());
            assertTrue(error.getMessage().contains("plain text"), error.getMessage());
        }
    }
}
