package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.TraceRequestEncoder;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.TraceEngineBuilder;
import io.ringtrace.engine.export.SpanExporter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The builder's options and the {@code OTEL_EXPORTER_OTLP_*} variables: defaults, precedence, errors. */
class ConfigurationTest {

    private static OtlpGrpcSpanExporterBuilder fromEnv(Map<String, String> env) {
        return OtlpGrpcSpanExporter.builder().fromEnvironment(env);
    }

    @Test
    void defaultsAreTheSpecs() {
        OtlpGrpcSpanExporterBuilder builder = fromEnv(Map.of());
        assertEquals("http://localhost:4317", builder.endpoint);
        assertEquals(Duration.ofSeconds(10), builder.timeout);
        assertFalse(builder.gzip);
        assertTrue(builder.headers.isEmpty());
        assertEquals(4, builder.maxInFlight);
        RetryPolicy retry = builder.retryPolicy;
        assertEquals(5, retry.maxAttempts());
        assertEquals(Duration.ofSeconds(1), retry.initialBackoff());
        assertEquals(Duration.ofSeconds(5), retry.maxBackoff());
        assertEquals(1.5, retry.backoffMultiplier());
        OtlpGrpcSpanExporterBuilder.Endpoint endpoint = OtlpGrpcSpanExporterBuilder.Endpoint.parse(builder.endpoint, false);
        assertEquals("localhost:4317", endpoint.target);
        assertFalse(endpoint.tls);
    }

    @Test
    void signalSpecificVariablesWinOverGeneralOnes() {
        OtlpGrpcSpanExporterBuilder builder = fromEnv(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://general:4317",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://traces:4317",
                "OTEL_EXPORTER_OTLP_TIMEOUT", "1000",
                "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "2500",
                "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip",
                "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "none",
                "OTEL_EXPORTER_OTLP_HEADERS", "a=general",
                "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "b=traces"));
        assertEquals("https://traces:4317", builder.endpoint);
        assertEquals(Duration.ofMillis(2500), builder.timeout);
        assertFalse(builder.gzip);
        assertEquals(Map.of("b", "traces"), builder.headers);
    }

    @Test
    void generalVariablesApplyWhenNoSignalSpecificOneIsSet() {
        OtlpGrpcSpanExporterBuilder builder = fromEnv(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "https://collector.example:4317",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "", // empty counts as unset
                "OTEL_EXPORTER_OTLP_COMPRESSION", "gzip",
                "OTEL_EXPORTER_OTLP_CERTIFICATE", "/etc/ca.pem",
                "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE", "/etc/client.pem",
                "OTEL_EXPORTER_OTLP_CLIENT_KEY", "/etc/client-key.pem"));
        assertEquals("https://collector.example:4317", builder.endpoint);
        assertTrue(builder.gzip);
        assertEquals(Path.of("/etc/ca.pem"), builder.trustedCertificates);
        assertEquals(Path.of("/etc/client.pem"), builder.clientCertificate);
        assertEquals(Path.of("/etc/client-key.pem"), builder.clientKey);
    }

    @Test
    void headersAreABaggageStyleListWithPercentDecodedValues() {
        OtlpGrpcSpanExporterBuilder builder = fromEnv(Map.of("OTEL_EXPORTER_OTLP_HEADERS",
                " Api-Key = abc%3D%3D , x-scope=a+b%2Cc,empty=,"));
        assertEquals("abc==", builder.headers.get("api-key"));
        assertEquals("a+b,c", builder.headers.get("x-scope"), "a plus is not a space: not form encoding");
        assertEquals("", builder.headers.get("empty"));
        assertThrows(IllegalArgumentException.class, () -> fromEnv(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "tenant=%C3%A9")),
                "non-ASCII values cannot travel as gRPC ASCII metadata");
    }

    @Test
    void invalidHeadersAreReportedWithoutTheirValues() {
        String secret = "s3cr3t";
        IllegalArgumentException noEquals = assertThrows(IllegalArgumentException.class,
                () -> fromEnv(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "a=1," + secret)));
        assertFalse(noEquals.getMessage().contains(secret), noEquals.getMessage());
        assertTrue(noEquals.getMessage().contains("entry 2"), noEquals.getMessage());

        IllegalArgumentException badEscape = assertThrows(IllegalArgumentException.class,
                () -> fromEnv(Map.of("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "token=" + secret + "%zz")));
        assertFalse(badEscape.getMessage().contains(secret), badEscape.getMessage());
        assertTrue(badEscape.getMessage().contains("OTEL_EXPORTER_OTLP_TRACES_HEADERS"), badEscape.getMessage());

        IllegalArgumentException control = assertThrows(IllegalArgumentException.class,
                () -> OtlpGrpcSpanExporter.builder().addHeader("authorization", "Bearer " + secret + "\n"));
        assertFalse(control.getMessage().contains(secret), control.getMessage());
    }

    @Test
    void invalidValuesAreClearErrors() {
        assertThrows(IllegalArgumentException.class, () -> fromEnv(Map.of("OTEL_EXPORTER_OTLP_TIMEOUT", "10s")));
        assertThrows(IllegalArgumentException.class, () -> fromEnv(Map.of("OTEL_EXPORTER_OTLP_TIMEOUT", "0")));
        assertThrows(IllegalArgumentException.class, () -> fromEnv(Map.of("OTEL_EXPORTER_OTLP_COMPRESSION", "zstd")));
        assertThrows(IllegalArgumentException.class, () -> fromEnv(Map.of("OTEL_EXPORTER_OTLP_INSECURE", "yes")));
        assertThrows(IllegalArgumentException.class,
                () -> fromEnv(Map.of("OTEL_EXPORTER_OTLP_CLIENT_KEY", "/etc/key.pem")), "key without certificate");
        IllegalArgumentException http = assertThrows(IllegalArgumentException.class,
                () -> fromEnv(Map.of("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf")));
        assertTrue(http.getMessage().contains("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
                && http.getMessage().contains("OtlpExporters.fromEnvironment()"), http.getMessage());
        fromEnv(Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")); // fine
        assertThrows(IllegalArgumentException.class, () -> OtlpGrpcSpanExporter.builder().endpoint("http://host:4317/v1/traces"));
        assertThrows(IllegalArgumentException.class, () -> OtlpGrpcSpanExporter.builder().maxInFlight(0));
        assertThrows(IllegalArgumentException.class, () -> OtlpGrpcSpanExporter.builder().timeout(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> OtlpGrpcSpanExporter.builder().addHeader("grpc-timeout", "1"));
        assertThrows(IllegalArgumentException.class, () -> OtlpGrpcSpanExporter.builder().addHeader("x-bin", "1"));
    }

    @Test
    void endpointsMapToTargetsAndTransportSecurity() {
        OtlpGrpcSpanExporterBuilder.Endpoint https = OtlpGrpcSpanExporterBuilder.Endpoint.parse("https://c.example", false);
        assertEquals("c.example:443", https.target);
        assertTrue(https.tls);
        OtlpGrpcSpanExporterBuilder.Endpoint http = OtlpGrpcSpanExporterBuilder.Endpoint.parse("HTTP://10.0.0.1:4317/", true);
        assertEquals("10.0.0.1:4317", http.target);
        assertFalse(http.tls, "the scheme decides; INSECURE only applies without one");
        OtlpGrpcSpanExporterBuilder.Endpoint dns = OtlpGrpcSpanExporterBuilder.Endpoint.parse("dns:///collectors:4317", false);
        assertEquals("dns:///collectors:4317", dns.target);
        assertTrue(dns.tls, "secure unless INSECURE=true");
        assertTrue(dns.dnsScheme);
        OtlpGrpcSpanExporterBuilder.Endpoint insecure = OtlpGrpcSpanExporterBuilder.Endpoint.parse("collector:4317", true);
        assertFalse(insecure.tls);
        assertFalse(insecure.dnsScheme);
        OtlpGrpcSpanExporterBuilder fromEnv = fromEnv(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4317", "OTEL_EXPORTER_OTLP_INSECURE", "true"));
        assertTrue(fromEnv.insecure);
    }

    @Test
    void retryPolicyBackoffGrowsAndIsCapped() {
        RetryPolicy policy = RetryPolicy.defaults();
        assertEquals(1_000_000_000L, policy.backoffNanos(1));
        assertEquals(1_500_000_000L, policy.backoffNanos(2));
        assertEquals(2_250_000_000L, policy.backoffNanos(3));
        assertEquals(5_000_000_000L, policy.backoffNanos(10));
        for (int i = 0; i < 100; i++) {
            long wait = policy.waitNanos(2, RetryableStatus.NO_RETRY_INFO);
            assertTrue(wait >= 1_200_000_000L && wait < 1_800_000_000L, "jitter 0.8-1.2: " + wait);
        }
        assertEquals(123L, policy.waitNanos(3, 123L), "the server's retry_delay replaces the backoff");
        assertEquals(1, RetryPolicy.none().maxAttempts());
        assertThrows(IllegalArgumentException.class,
                () -> RetryPolicy.builder().initialBackoff(Duration.ofSeconds(10)).maxBackoff(Duration.ofSeconds(1)).build());
        assertThrows(IllegalArgumentException.class, () -> RetryPolicy.builder().backoffMultiplier(0.5));
    }

    @Test
    void percentDecodingHandlesUtf8AndRejectsBrokenEscapes() {
        assertEquals("é", OtlpEnvironment.percentDecode("%C3%A9"));
        assertEquals("plain", OtlpEnvironment.percentDecode("plain"));
        assertEquals("\uD83D\uDE00!", OtlpEnvironment.percentDecode("\uD83D\uDE00%21"), "a surrogate pair survives");
        assertThrows(IllegalArgumentException.class, () -> OtlpEnvironment.percentDecode("%4"));
    }

    /** Builds (and at once shuts down) an exporter from {@code env}, so that build-time checks run too. */
    private static void buildFrom(Map<String, String> env) {
        OtlpGrpcSpanExporter exporter = fromEnv(env).build();
        exporter.shutdown(System.nanoTime());
    }

    private static void assertNoCauseMentions(Throwable thrown, String secret) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(secret), "secret in: " + t);
            assertFalse(t.toString().contains(secret), "secret in: " + t);
        }
    }

    @Test
    void endpointCredentialsNeverAppearInExceptionMessages() {
        String secret = "s3cr3t-pw";
        for (String endpoint : new String[] {
            "https://user:" + secret + "@collector.example:4317",
            "http://user:" + secret + "@10.0.0.1:4317/",
            "https://user:" + secret + " x@collector.example:4317", // not even a valid URL
            "https://user:" + secret + "/x@collector.example:4317",
            "dns://user:" + secret + "@8.8.8.8/collector.example:4317",
            "user:" + secret + "@collector.example:4317"}) {
            IllegalArgumentException builder = assertThrows(IllegalArgumentException.class,
                    () -> OtlpGrpcSpanExporter.builder().endpoint(endpoint).build().shutdown(System.nanoTime()), endpoint);
            assertNoCauseMentions(builder, secret);
            IllegalArgumentException env = assertThrows(IllegalArgumentException.class,
                    () -> buildFrom(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint)), endpoint);
            assertNoCauseMentions(env, secret);
            assertTrue(env.getMessage().contains("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"), env.getMessage());
        }
    }

    @Test
    void endpointErrorsNameTheSettingAndTheAcceptedForms() {
        Map<String, String> cases = Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "not a url",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "ftp://host:21");
        for (Map.Entry<String, String> entry : cases.entrySet()) {
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                    () -> buildFrom(Map.of(entry.getKey(), entry.getValue())), entry.toString());
            String message = thrown.getMessage();
            assertTrue(message.startsWith(entry.getKey() + " "), message);
            assertTrue(message.contains("'" + entry.getValue() + "'"), message);
            assertTrue(message.contains("http://host:port") && message.contains("https://host:port"), message);
            assertFalse(message.contains("Illegal character") || message.contains("NameResolverProvider"),
                    "our words, not gRPC's: " + message);
        }
        IllegalArgumentException builder = assertThrows(IllegalArgumentException.class,
                () -> OtlpGrpcSpanExporter.builder().endpoint("ftp://host:21"));
        assertTrue(builder.getMessage().startsWith("endpoint "), builder.getMessage());
        assertTrue(builder.getMessage().contains("scheme 'ftp'"), builder.getMessage());
        assertTrue(builder.getMessage().contains("https://host:port"), builder.getMessage());
        // the forms that work stay accepted
        for (String endpoint : new String[] {"http://localhost:4317", "https://[::1]:4317", "dns:///collector.example:4317",
            "collector.example:4317", "127.0.0.1:4317"}) {
            buildFrom(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, "OTEL_EXPORTER_OTLP_INSECURE", "true"));
        }
    }

    @Test
    void absurdTimeoutsAreClearErrorsNamingTheSetting() {
        for (String variable : new String[] {"OTEL_EXPORTER_OTLP_TIMEOUT", "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT"}) {
            IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                    () -> buildFrom(Map.of(variable, "9223372036854775807")));
            assertTrue(thrown.getMessage().startsWith(variable + " "), thrown.getMessage());
        }
        IllegalArgumentException timeout = assertThrows(IllegalArgumentException.class,
                () -> OtlpGrpcSpanExporter.builder().timeout(Duration.ofSeconds(Long.MAX_VALUE)).build().shutdown(System.nanoTime()));
        assertTrue(timeout.getMessage().startsWith("timeout "), timeout.getMessage());
        Duration absurd = Duration.ofSeconds(Long.MAX_VALUE);
        IllegalArgumentException initial = assertThrows(IllegalArgumentException.class,
                () -> RetryPolicy.builder().initialBackoff(absurd).maxBackoff(absurd).build());
        assertTrue(initial.getMessage().startsWith("initialBackoff "), initial.getMessage());
        IllegalArgumentException elapsed = assertThrows(IllegalArgumentException.class,
                () -> RetryPolicy.builder().maxElapsed(absurd).build());
        assertTrue(elapsed.getMessage().startsWith("maxElapsed "), elapsed.getMessage());
        OtlpGrpcSpanExporter.builder().timeout(OtlpGrpcSpanExporterBuilder.MAX_TIMEOUT); // the bound itself is fine
        RetryPolicy.builder().maxElapsed(RetryPolicy.MAX_DURATION).build();
    }

    @Test
    void theEngineKeepsOneRequestBufferMoreThanTheExporterKeepsInFlight() {
        String nowhere = "http://127.0.0.1:1"; // never called: nothing is exported
        assertEquals(5, requestBuffersOfAnEngineWith(OtlpGrpcSpanExporter.builder().endpoint(nowhere).build()),
                "the default 4 calls in flight and one buffer to fill");
        assertEquals(7, requestBuffersOfAnEngineWith(OtlpGrpcSpanExporter.builder().endpoint(nowhere).maxInFlight(6).build()));
        assertEquals(5, requestBuffersOfAnEngineWith(OtlpHttpSpanExporter.builder().endpoint(nowhere + "/v1/traces").build()));
        assertEquals(TraceEngineBuilder.DEFAULT_REQUEST_BUFFERS,
                requestBuffersOfAnEngineWith(OtlpHttpSpanExporter.builder().endpoint(nowhere + "/v1/traces").maxInFlight(1).build()));
    }

    /** Builds an engine (small request buffers) that owns {@code exporter}, closes both. */
    private static int requestBuffersOfAnEngineWith(SpanExporter exporter) {
        try (TraceEngine engine = TraceEngine.builder().exporter(exporter)
                .maxRequestBytes(TraceRequestEncoder.MIN_REQUEST_BYTES).build()) {
            return engine.stats(new EngineStats()).requestBuffers();
        }
    }
}
