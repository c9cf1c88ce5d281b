package io.ringtrace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import io.ringtrace.testkit.OtlpReceiver;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TracedHttpServerTest extends LeakCheckingTestBase {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String CALLER_SPAN_ID = "b7ad6b7169203331";

    private OtlpReceiver receiver;
    private TraceEngine engine;
    private TracedHttpServer server;

    @BeforeEach
    void start() throws Exception {
        receiver = closeAfter(OtlpReceiver.start());
        engine = closeAfter(TraceEngine.builder()
                .exporter(OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint()).build())
                .build());
        server = closeAfter(new TracedHttpServer(engine));
    }

    @Test
    void continuesTheIncomingTraceThroughEveryHopAndThread() throws Exception {
        TracedHttpServer.Response response = TracedHttpServer.get(URI.create(server.baseUrl() + "/hop?n=2"),
                "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-01");

        assertEquals(200, response.status());
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        List<Span> spans = receiver.spans();
        assertEquals(5, spans.size(), "3 SERVER + 2 CLIENT spans");
        Map<String, Span> byId = new HashMap<>();
        for (Span span : spans) {
            assertEquals(TRACE_ID, SpansOf.hex(span.getTraceId()), "every span continues the caller's trace");
            byId.put(SpansOf.hex(span.getSpanId()), span);
        }
        // the response names the first server span; walk the chain down from the deepest server span
        Span first = byId.get(response.body().substring(36, 52));
        assertNotNull(first, "the traceparent in the response is the first server span's");
        assertEquals("00-" + TRACE_ID + "-" + SpansOf.hex(first.getSpanId()) + "-01", response.body());
        Span deepest = spans.stream().filter(s -> SpansOf.attribute(s, "hops.left").orElseThrow().getIntValue() == 0)
                .findFirst().orElseThrow();
        Span current = deepest;
        String[] expectedKinds = {"SPAN_KIND_SERVER", "SPAN_KIND_CLIENT", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
                "SPAN_KIND_SERVER"};
        for (int i = 0; i < expectedKinds.length; i++) {
            assertEquals(expectedKinds[i], current.getKind().name());
            String parent = SpansOf.hex(current.getParentSpanId());
            if (i == expectedKinds.length - 1) {
                assertEquals(CALLER_SPAN_ID, parent, "the first server span's parent is the caller's span");
                assertEquals(first, current);
            } else {
                current = byId.get(parent);
                assertNotNull(current, "parent " + parent + " of hop " + i + " was exported");
            }
        }
    }

    @Test
    void withoutATraceparentStartsANewTrace() throws Exception {
        TracedHttpServer.Response response = TracedHttpServer.get(URI.create(server.baseUrl() + "/hop?n=1"), null);

        assertEquals(200, response.status());
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        List<Span> spans = receiver.spans();
        assertEquals(3, spans.size());
        String traceId = response.body().substring(3, 35);
        long roots = spans.stream().filter(s -> s.getParentSpanId().isEmpty()).count();
        assertEquals(1, roots, "exactly one root span");
        for (Span span : spans) {
            assertEquals(traceId, SpansOf.hex(span.getTraceId()));
        }
    }

    @Test
    void anUnsampledCallerIsPropagatedButNothingIsRecorded() throws Exception {
        TracedHttpServer.Response response = TracedHttpServer.get(URI.create(server.baseUrl() + "/hop?n=2"),
                "00-" + TRACE_ID + "-" + CALLER_SPAN_ID + "-00");

        assertEquals(200, response.status());
        assertTrue(response.body().startsWith("00-" + TRACE_ID + "-"), response.body());
        assertTrue(response.body().endsWith("-00"), "the unsampled flag travels on: " + response.body());
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(0, stats.published(), "parent-based sampling: an unsampled caller means no spans");
        assertEquals(0, receiver.spanCount());
    }

    @Test
    void aBadRequestIsAnErrorSpan() throws Exception {
        TracedHttpServer.Response response = TracedHttpServer.get(URI.create(server.baseUrl() + "/hop?n=99"), null);

        assertEquals(400, response.status());
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        Span span = receiver.spans().get(0);
        assertEquals("STATUS_CODE_ERROR", span.getStatus().getCode().name());
        assertEquals(400, SpansOf.attribute(span, "http.response.status_code").orElseThrow().getIntValue());
    }
}
