package io.ringtrace.opentelemetry.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.testkit.OtlpReceiver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The oracle is the SDK itself: the same workload ({@link SdkSpans}) through the SDK's {@code
 * BatchSpanProcessor} + {@code OtlpGrpcSpanExporter} and through {@link RingtraceSpanProcessor} +
 * ringtrace's OTLP/gRPC exporter, into one recording receiver, decodes (with the official proto
 * classes) to the same resource, the same scopes and the same spans, field by field. Permitted
 * differences, normalised before comparing: how spans are grouped into requests (compared per span,
 * with its resource and scope), and an unset status (ringtrace omits an empty {@code status}, which
 * protobuf reads as the same default).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SdkProcessorDifferentialTest extends LeakCheckingTestBase {

    private static final int ROUNDS = 20;

    @Test
    void theSdkAndRingtraceExportTheSameSpans() throws Exception {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());

        SdkTracerProvider sdkProvider = SdkSpans.provider(BatchSpanProcessor.builder(
                OtlpGrpcSpanExporter.builder().setEndpoint(receiver.endpoint()).build()).build());
        int spans = SdkSpans.produce(sdkProvider, ROUNDS);
        assertTrue(sdkProvider.shutdown().join(20, TimeUnit.SECONDS).isSuccess());
        Map<String, Exported> sdk = byName(receiver.requests());
        receiver.clear();

        RingtraceSpanProcessor processor = RingtraceSpanProcessor.builder(TraceEngine.builder()
                        .exporter(io.ringtrace.exporter.OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint()).build()))
                .resource(SdkSpans.RESOURCE)
                .build();
        SdkTracerProvider ringtraceProvider = SdkSpans.provider(processor);
        assertEquals(spans, SdkSpans.produce(ringtraceProvider, ROUNDS));
        assertTrue(ringtraceProvider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess());
        EngineStats stats = processor.engine().stats(new EngineStats());
        assertTrue(ringtraceProvider.shutdown().join(20, TimeUnit.SECONDS).isSuccess());
        Map<String, Exported> ringtrace = byName(receiver.requests());

        assertEquals(spans, sdk.size(), "the SDK's spans: " + names(sdk));
        assertEquals(spans, ringtrace.size(), "ringtrace's spans");
        assertEquals(sdk.keySet(), ringtrace.keySet());
        for (Map.Entry<String, Exported> e : sdk.entrySet()) {
            Exported expected = e.getValue();
            Exported actual = ringtrace.get(e.getKey());
            assertEquals(expected.resource, actual.resource, "resource of " + e.getKey());
            assertEquals(expected.resourceSchemaUrl, actual.resourceSchemaUrl, "resource schema URL of " + e.getKey());
            assertEquals(expected.scope, actual.scope, "scope of " + e.getKey());
            assertEquals(expected.scopeSchemaUrl, actual.scopeSchemaUrl, "scope schema URL of " + e.getKey());
            assertEquals(expected.span, actual.span, () -> "span " + e.getKey() + ": " + firstDifference(expected.span, actual.span));
        }

        // the workload exercises what it claims to: drops counted, remote and local parents, flags
        Span server = ringtrace.values().stream().map(x -> x.span).filter(s -> s.getName().startsWith("GET")).findFirst().orElseThrow();
        assertEquals(4, server.getDroppedAttributesCount());
        assertEquals(1, server.getDroppedEventsCount());
        assertEquals(1, server.getDroppedLinksCount());
        assertEquals(1, server.getEvents(0).getDroppedAttributesCount());
        assertEquals(1, server.getLinks(0).getDroppedAttributesCount());
        assertEquals(0x301, server.getFlags());
        assertEquals(0x100, server.getLinks(0).getFlags());
        assertEquals("other=x,vendor=v1", server.getTraceState()); // W3C: the latest put comes first

        // the engine's accounting agrees with the receiver
        assertEquals(spans, stats.published());
        assertEquals(spans, stats.exported());
        assertEquals(0, stats.droppedTotal());
        assertEquals(0, stats.inFlight());
        assertEquals(0, processor.copyFailures());
        assertEquals(0, processor.spansWithOtherResource());
    }

    /** One received span with the resource and scope it came under. */
    private static final class Exported {
        final Resource resource;
        final String resourceSchemaUrl;
        final InstrumentationScope scope;
        final String scopeSchemaUrl;
        final Span span;

        Exported(ResourceSpans r, ScopeSpans s, Span span) {
            this.resource = r.getResource();
            this.resourceSchemaUrl = r.getSchemaUrl();
            this.scope = s.getScope();
            this.scopeSchemaUrl = s.getSchemaUrl();
            this.span = span.toBuilder().setStatus(span.getStatus()).build(); // present in both: see the class comment
        }
    }

    /** @return every span by a key unique in the workload (its span id, in hex) */
    private static Map<String, Exported> byName(List<ExportTraceServiceRequest> requests) {
        Map<String, Exported> spans = new TreeMap<>();
        List<String> duplicates = new ArrayList<>();
        for (ExportTraceServiceRequest request : requests) {
            for (ResourceSpans r : request.getResourceSpansList()) {
                for (ScopeSpans s : r.getScopeSpansList()) {
                    for (Span span : s.getSpansList()) {
                        String key = hex(span.getSpanId().toByteArray());
                        if (spans.put(key, new Exported(r, s, span)) != null) {
                            duplicates.add(key);
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), duplicates, "spans received twice");
        return spans;
    }

    private static Map<String, Long> names(Map<String, Exported> spans) {
        Map<String, Long> names = new TreeMap<>();
        spans.values().forEach(x -> names.merge(x.span.getName(), 1L, Long::sum));
        return names;
    }

    /** @return the first lines where the two messages' text forms differ (the whole spans are long) */
    private static String firstDifference(Span expected, Span actual) {
        String[] a = expected.toString().split("\n");
        String[] b = actual.toString().split("\n");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            if (!a[i].equals(b[i])) {
                return "line " + i + ": SDK <" + a[i] + "> ringtrace <" + b[i] + ">";
            }
        }
        return "lengths " + a.length + " and " + b.length;
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }

}
