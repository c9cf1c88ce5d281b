package io.ringtrace.opentelemetry.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.exporter.OtlpExporters;
import io.ringtrace.testkit.OtlpHttpReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The module README's processor snippet is this code, and it works: a span reaches a receiver. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProcessorSnippetTest extends LeakCheckingTestBase {

    static SdkTracerProvider snippet() {
        // README-snippet-begin
        Resource resource = Resource.getDefault().merge(Resource.create(
                Attributes.of(AttributeKey.stringKey("service.name"), "orders")));
        RingtraceSpanProcessor processor = RingtraceSpanProcessor.builder(TraceEngine.builder()
                        .fromEnvironment()                              // OTEL_BSP_* for the ring and batches
                        .exporter(OtlpExporters.fromEnvironment()))     // OTEL_EXPORTER_OTLP_*
                .resource(resource)                                     // the engine exports under the SDK's resource
                .build();                                               // builds and starts the engine
        SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
                .setResource(resource)
                .addSpanProcessor(processor)
                .build();
        // ... tracerProvider.shutdown() closes the engine: drains, exports, frees
        // README-snippet-end
        return tracerProvider;
    }

    @Test
    void theReadmeShowsThisCode() throws Exception {
        String source = read("src/test/java/io/ringtrace/opentelemetry/sdk/ProcessorSnippetTest.java");
        int begin = source.indexOf("// README-snippet-begin\n") + "// README-snippet-begin\n".length();
        int end = source.indexOf("        // README-snippet-end\n", begin);
        String code = source.substring(begin, end).lines().map(l -> l.length() >= 8 ? l.substring(8) : l.strip())
                .collect(Collectors.joining("\n"));
        String readme = read("README.md");
        int block = readme.indexOf("```java\n", readme.indexOf("## The span processor")) + "```java\n".length();
        assertEquals(code, readme.substring(block, readme.indexOf("\n```", block)));
    }

    @Test
    void theSnippetExportsTheSdksSpans() throws Exception {
        // no protocol set: OtlpExporters.fromEnvironment() sends OTLP/HTTP to <endpoint>/v1/traces
        OtlpHttpReceiver receiver = closeAfter(OtlpHttpReceiver.start());
        System.setProperty("otel.exporter.otlp.endpoint", receiver.baseUrl());
        System.setProperty("otel.bsp.schedule.delay", "100");
        SdkTracerProvider tracerProvider;
        try {
            tracerProvider = snippet();
        } finally {
            System.clearProperty("otel.exporter.otlp.endpoint");
            System.clearProperty("otel.bsp.schedule.delay");
        }
        try {
            tracerProvider.get("com.example.orders").spanBuilder("place order").startSpan().end();
            assertTrue(receiver.awaitSpanCount(1, Duration.ofSeconds(10)));
        } finally {
            assertTrue(tracerProvider.shutdown().join(20, TimeUnit.SECONDS).isSuccess());
        }
        assertEquals("/v1/traces", receiver.paths().get(0));
        List<KeyValue> resource = receiver.requests().get(0).getResourceSpans(0).getResource().getAttributesList();
        assertTrue(resource.stream().anyMatch(kv -> kv.getKey().equals("service.name")
                && kv.getValue().getStringValue().equals("orders")), resource.toString());
    }

    private static String read(String path) throws Exception {
        return new String(Files.readAllBytes(Paths.get(path)), StandardCharsets.UTF_8);
    }
}
