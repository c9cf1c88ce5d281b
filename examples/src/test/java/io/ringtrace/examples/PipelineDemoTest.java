package io.ringtrace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.OtlpReceiver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PipelineDemoTest extends LeakCheckingTestBase {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void flatOutWithBlockingEverySpanArrivesAtTheEmbeddedReceiver() {
        int exit = PipelineDemo.run(out, Map.of(), "--spans=30000", "--threads=2", "--rate=0", "--policy=block",
                "--warmup=3000");

        String text = text();
        assertEquals(0, exit, text);
        assertTrue(Pattern.compile("-> OTLP/HTTP to the embedded OTLP receiver at http://127\\.0\\.0\\.1:[0-9]+/v1/traces\n")
                .matcher(text).find(), "the default transport: " + text);
        assertTrue(text.contains("published  30,000 = exported 30,000 + dropped 0 + in flight 0: holds"), text);
        assertTrue(text.contains("receiver   30,000 spans, each request decoded"), text);
        assertTrue(text.contains("equals exported"), text);
        assertTrue(text.contains("RESULT: every span arrived (30,000 published, 30,000 received)"), text);
    }

    @Test
    void atAFixedRateItPrintsProgressWithRateDropsAndExportLatency() {
        int exit = PipelineDemo.run(out, Map.of(), "--spans", "6000", "--threads", "3", "--rate", "4k",
                "--warmup", "0");

        String text = text();
        assertEquals(0, exit, text);
        // 6000 spans at 4000/s take about 1.5 s: a progress line after a second, and one at the end
        Matcher progress = Pattern.compile("(?m)^\\[ +[0-9.]+s\\] published +[0-9,]+ +[0-9,]+ spans/s  exported").matcher(text);
        assertTrue(progress.find() && progress.find(), "two progress lines: " + text);
        assertTrue(text.contains("dropped 0"), text);
        assertTrue(text.contains("export latency p50"), text);
        assertTrue(text.contains("RESULT: every span arrived (6,000 published, 6,000 received)"), text);
    }

    @Test
    void withGrpcAskedForTheEmbeddedReceiverIsOtlpGrpc() {
        int exit = PipelineDemo.run(out, Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"), "--spans=3000", "--rate=0",
                "--policy=block", "--warmup=0");

        String text = text();
        assertEquals(0, exit, text);
        assertTrue(Pattern.compile("-> OTLP/gRPC to the embedded OTLP receiver at 127\\.0\\.0\\.1:[0-9]+\n").matcher(text).find(), text);
        assertTrue(text.contains("RESULT: every span arrived (3,000 published, 3,000 received)"), text);
    }

    @Test
    void withGrpcAndAnEndpointInTheEnvironmentItSendsThereOverGrpc() throws Exception {
        OtlpReceiver collector = closeAfter(OtlpReceiver.start());

        int exit = PipelineDemo.run(out, Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", "OTEL_EXPORTER_OTLP_ENDPOINT", collector.endpoint(),
                "OTEL_SERVICE_NAME", "demo-under-test"), "--spans=300", "--rate=0", "--policy=block", "--warmup=0");

        String text = text();
        assertEquals(0, exit, text);
        assertTrue(text.contains("an external collector"), text);
        assertTrue(text.contains("RESULT: every span arrived (300 published, 300 acknowledged)"), text);
        collector.awaitSpanCount(301, Duration.ofSeconds(5));
        List<Span> spans = collector.spans();
        assertEquals(301, spans.size(), "300 spans and the warm-up's first span");
        assertEquals(1, spans.stream().filter(s -> s.getName().equals("demo start")).count());
        // the three spans of each unit: the request (root), its nested query (error every 64th) and the ring-API cache span
        assertEquals(100, spans.stream().filter(s -> s.getName().equals("GET /orders/{id}") && s.getParentSpanId().isEmpty()).count());
        assertEquals(100, spans.stream().filter(s -> s.getName().equals("SELECT orders") && s.getEventsCount() == 1).count());
        assertEquals(100, spans.stream().filter(s -> s.getName().equals("cache get") && !s.getParentSpanId().isEmpty()).count());
        assertTrue(spans.stream().anyMatch(s -> s.getStatus().getCode().name().equals("STATUS_CODE_ERROR")));
        assertEquals("demo-under-test", SpansOf.attribute(collector.requests().get(0).getResourceSpans(0).getResource()
                .getAttributesList(), "service.name").orElseThrow().getStringValue());
    }

    @Test
    void withOnlyAnEndpointInTheEnvironmentItSendsOverOtlpHttpToThatPort() throws Exception {
        OtlpHttpReceiver collector = closeAfter(OtlpHttpReceiver.start());

        int exit = PipelineDemo.run(out, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", collector.baseUrl()),
                "--spans=300", "--rate=0", "--policy=block", "--warmup=0");

        String text = text();
        assertEquals(0, exit, text);
        assertTrue(text.contains("-> OTLP/HTTP " + collector.tracesUrl() + "\n"), text);
        assertTrue(text.contains("RESULT: every span arrived (300 published, 300 acknowledged)"), text);
        collector.awaitSpanCount(301, Duration.ofSeconds(5));
        assertEquals(301, collector.spans().size(), "300 spans and the warm-up's first span");
        assertTrue(collector.paths().stream().allMatch("/v1/traces"::equals), collector.paths().toString());
    }

    @Test
    void theAgentStyleEnvironmentSendsOverOtlpHttp() throws Exception {
        OtlpHttpReceiver collector = closeAfter(OtlpHttpReceiver.start());

        int exit = PipelineDemo.run(out, Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf",
                "OTEL_EXPORTER_OTLP_ENDPOINT", collector.baseUrl(),
                "OTEL_SERVICE_NAME", "demo-under-test"), "--spans=300", "--rate=0", "--policy=block", "--warmup=0");

        String text = text();
        assertEquals(0, exit, text);
        assertTrue(text.contains(collector.tracesUrl()), text);
        assertTrue(text.contains("RESULT: every span arrived (300 published, 300 acknowledged)"), text);
        collector.awaitSpanCount(301, Duration.ofSeconds(5));
        assertEquals(301, collector.spans().size(), "300 spans and the warm-up's first span");
        assertTrue(collector.paths().stream().allMatch("/v1/traces"::equals), collector.paths().toString());
        assertEquals(100, collector.spans().stream().filter(s -> s.getName().equals("SELECT orders")).count());
    }

    @Test
    void httpJsonIsRefusedNamingTheVariable() {
        assertEquals(2, PipelineDemo.run(out, Map.of("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json",
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318"), "--warmup=0"));
        assertTrue(text().startsWith("error: OTEL_EXPORTER_OTLP_PROTOCOL=http/json"), text());
    }

    @Test
    void helpListsEveryFlag() {
        assertEquals(0, PipelineDemo.run(out, Map.of(), "--help"));

        String text = text();
        for (String flag : new String[] {"--spans", "--threads", "--rate", "--policy", "--ring-size", "--slot-bytes", "--warmup", "--endpoint", "--help"}) {
            assertTrue(text.contains(flag), flag + " in " + text);
        }
    }

    @Test
    void theSummarySaysHowManySpansOutgrewTheirSlot() {
        // every demo span fits 512 bytes (the default slot); a third of them do not fit 256
        assertEquals(0, PipelineDemo.run(out, Map.of(), "--spans=3000", "--rate=0", "--policy=block", "--warmup=0"));
        assertTrue(text().contains("slots      0 of 3,000 exported spans outgrew their 512-byte slot"), text());
        printed.reset();
        assertEquals(2, PipelineDemo.run(out, Map.of(), "--slot-bytes=300"));
        assertTrue(text().contains("--slot-bytes must be a power of two, got 300"), text());
    }

    @Test
    void aBadFlagIsNamedAndExitsWithTwo() {
        assertEquals(2, PipelineDemo.run(out, Map.of(), "--spans=many"));
        assertTrue(text().contains("--spans must be a whole number, got 'many'"), text());
        printed.reset();
        assertEquals(2, PipelineDemo.run(out, Map.of(), "--colour=blue"));
        assertTrue(text().contains("unknown flag --colour"), text());
    }

    @Test
    void badConfigurationIsNamedAndExitsWithoutAStackTrace() {
        int exit = PipelineDemo.run(out, Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "not a url"), "--spans=3", "--warmup=0");

        String text = text();
        assertEquals(2, exit, text);
        assertTrue(text.startsWith("error: OTEL_EXPORTER_OTLP_ENDPOINT 'not a url'"), text);
        assertTrue(text.contains("http://host:port") && text.contains("https://host:port"), text);
        assertFalse(text.contains("Exception") || text.contains("\tat "), "no stack trace: " + text);

        printed.reset();
        assertEquals(2, PipelineDemo.run(out, Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "ftp://host:21"), "--warmup=0"));
        assertTrue(text().contains("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT 'ftp://host:21'"), text());
    }

    private String text() {
        return printed.toString(StandardCharsets.UTF_8);
    }
}
