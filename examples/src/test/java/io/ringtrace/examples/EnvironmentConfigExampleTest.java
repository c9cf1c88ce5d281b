package io.ringtrace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Metadata;
import io.opentelemetry.proto.trace.v1.Span;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.testkit.OtlpReceiver;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EnvironmentConfigExampleTest extends LeakCheckingTestBase {

    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> TENANT = Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER);

    @Test
    void tenPercentParentBasedSamplingOverTlsWithAuthHeaders() throws Exception {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.builder().tls().start());
        Map<String, String> env = Map.of(
                "OTEL_SERVICE_NAME", "checkout",
                "OTEL_TRACES_SAMPLER", "parentbased_traceidratio",
                "OTEL_TRACES_SAMPLER_ARG", "0.1",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc",
                "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                "OTEL_EXPORTER_OTLP_CERTIFICATE", receiver.certificates().caCertificate().toString(),
                "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20s3cr3t,x-tenant=acme");
        assertTrue(receiver.endpoint().startsWith("https://"));

        EnvironmentConfigExample.Result result = EnvironmentConfigExample.run(EnvironmentConfigExample.build(env), 4000);

        // 3000 new traces at 10%: binomial mean 300, sd 16.4; 5 sd either side
        assertEquals(3000, result.rootTraces());
        assertTrue(result.sampledRootTraces() > 218 && result.sampledRootTraces() < 382,
                "sampled " + result.sampledRootTraces() + " of 3000");
        assertEquals(1000, result.remoteSampledTraces());
        long expectedSpans = 2L * (result.sampledRootTraces() + result.remoteSampledTraces()); // children follow
        assertEquals(expectedSpans, result.stats().published());
        assertEquals(expectedSpans, result.stats().exported());
        receiver.awaitSpanCount(expectedSpans, Duration.ofSeconds(5));
        List<Span> spans = receiver.spans();
        assertEquals(expectedSpans, spans.size());

        Set<String> sampledTraces = new HashSet<>();
        long idUpperBound = (long) (0.1 * Long.MAX_VALUE);
        int fromRemoteParent = 0;
        for (Span span : spans) {
            if (span.getName().equals("POST /checkout")) {
                sampledTraces.add(SpansOf.hex(span.getTraceId()));
                if (span.getParentSpanId().isEmpty()) { // a new trace: the ratio decided, as the SDK would
                    assertTrue(Math.abs(SpansOf.traceIdLow(span.getTraceId())) < idUpperBound);
                } else {
                    assertEquals("00f067aa0ba902b7", SpansOf.hex(span.getParentSpanId()));
                    fromRemoteParent++;
                }
            }
        }
        assertEquals(1000, fromRemoteParent, "a sampled remote parent is always followed");
        for (Span span : spans) {
            if (span.getName().equals("charge card")) {
                assertTrue(sampledTraces.contains(SpansOf.hex(span.getTraceId())), "a child only with its parent");
            }
        }
        assertEquals("checkout", SpansOf.attribute(receiver.requests().get(0).getResourceSpans(0).getResource()
                .getAttributesList(), "service.name").orElseThrow().getStringValue());
        assertTrue(receiver.headers().size() > 0);
        for (Metadata headers : receiver.headers()) {
            assertEquals("Bearer s3cr3t", headers.get(AUTHORIZATION), "the percent-decoded auth header, on every call");
            assertEquals("acme", headers.get(TENANT));
        }
    }
}
