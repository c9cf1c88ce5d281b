package io.ringtrace.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import io.ringtrace.testkit.OtlpReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The module README's snippet, run against a receiver; the README must quote it verbatim. */
class ReadmeSnippetTest extends LeakCheckingTestBase {

    // README-snippet-begin
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");

    static void handleOrder(String endpoint) {
        TraceEngine engine = TraceEngine.builder()
                .exporter(OtlpGrpcSpanExporter.builder().endpoint(endpoint).build()).build();
        OpenTelemetry otel = RingtraceOpenTelemetry.create(engine); // W3C tracecontext + baggage propagators
        Tracer tracer = otel.getTracer("com.example.orders", "1.0");
        Span span = tracer.spanBuilder("GET /orders/{id}").setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, "GET").startSpan();
        try (Scope ignored = span.makeCurrent()) {
            // OpenTelemetry-instrumented calls here start children of this span
        } finally {
            span.end();                                             // copied into a ring slot, published
        }
        engine.close();                                             // drains, exports, frees
    }
    // README-snippet-end

    @Test
    void theSnippetSendsItsSpanAndTheReadmeQuotesIt() throws Exception {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        handleOrder(receiver.endpoint());
        assertTrue(receiver.awaitSpanCount(1, Duration.ofSeconds(10)));
        assertEquals("GET /orders/{id}", receiver.spans().get(0).getName());

        String source = Files.readString(Path.of("src/test/java/io/ringtrace/opentelemetry/ReadmeSnippetTest.java"),
                StandardCharsets.UTF_8);
        String begin = "    // README-snippet-begin\n";
        String snippet = source.substring(source.indexOf(begin) + begin.length(), source.indexOf("    // README-snippet-end"))
                .lines().map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.joining("\n", "", "\n"));
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);
        assertTrue(readme.contains("```java\n" + snippet + "```\n"), "README.md must quote the snippet verbatim:\n" + snippet);
    }
}
