package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What reaches the wire matches what the OpenTelemetry SDK sends for the same logical spans: the
 * is-remote bits of {@code Span.flags} and {@code Link.flags}, the fallback name for an empty one,
 * only valid W3C trace states, {@code telemetry.sdk.version}; and a ring-API slot whose fill failed
 * or lacks required fields is dropped as {@code INVALID_SPAN}, never exported.
 */
class WireFidelityTest extends LeakCheckingTestBase {

    /** Sampled, with OTLP's {@code SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK}: a root or local parent. */
    private static final int LOCAL = 0x101;
    /** Sampled, {@code HAS_IS_REMOTE} and {@code IS_REMOTE}: a parent taken from {@code traceparent}. */
    private static final int REMOTE = 0x301;
    private static final String TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private final InMemorySpanExporter exporter = new InMemorySpanExporter();

    private TraceEngine engine() {
        return closeAfter(TraceEngine.builder().ringSize(64).exporter(exporter).build());
    }

    @Test
    void spanAndLinkFlagsCarryTheIsRemoteBitsAsTheSdkSendsThem() {
        TraceEngine engine = engine();
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        TraceContext remote = new TraceContext();
        assertTrue(W3cTraceContext.parseTraceParent(TRACEPARENT, remote));
        Span root = tracer.start(Utf8Constant.of("root"));
        Span localChild = tracer.start(Utf8Constant.of("local-child"));
        localChild.addLink(remote).addLink(root.context());
        localChild.end();
        root.end();
        tracer.start(Utf8Constant.of("remote-child"), SpanKind.SERVER, remote).end();
        assertTrue(engine.flush(Duration.ofSeconds(10)));

        Map<String, io.opentelemetry.proto.trace.v1.Span> spans = exporter.decodedSpansByName();
        assertEquals(LOCAL, spans.get("root").getFlags());
        assertEquals(LOCAL, spans.get("local-child").getFlags());
        assertEquals(REMOTE, spans.get("remote-child").getFlags());
        assertEquals(REMOTE, spans.get("local-child").getLinks(0).getFlags(), "a link to a remote context");
        assertEquals(LOCAL, spans.get("local-child").getLinks(1).getFlags(), "a link to a local span");
    }

    @Test
    void anEmptySpanNameIsSentAsTheSdkFallbackName() {
        TraceEngine engine = engine();
        engine.tracer(TestSpans.SCOPE).start(Utf8Constant.of(""), SpanKind.INTERNAL).end();
        engine.tracer(TestSpans.SCOPE).start(new StringBuilder(" "), SpanKind.INTERNAL).end();
        long seq = engine.claim();
        try {
            engine.record(seq).scope(TestSpans.SCOPE).traceId(1, 2).spanId(3).startEpochNanos(10).endEpochNanos(20);
        } finally {
            engine.publish(seq);
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(3, exporter.decodedSpans().size());
        for (io.opentelemetry.proto.trace.v1.Span span : exporter.decodedSpans()) {
            assertEquals("<unspecified span name>", span.getName());
        }
        RingApiTest.assertAccounting(engine, 3, 3);
    }

    @Test
    void aRingSlotWhoseFillFailedOrLacksTimesIsDroppedAsInvalid() {
        TraceEngine engine = engine();
        long seq = engine.claim();
        try {
            SpanRecord record = engine.record(seq);
            TestSpans.fill(record, 1, "/a"); // ids, name, times: all there
            assertThrows(IllegalArgumentException.class, () -> record.attribute(TestSpans.SEQ, (CharSequence) null));
        } finally {
            engine.publish(seq); // required even though the fill failed
        }
        seq = engine.claim();
        try {
            engine.record(seq).scope(TestSpans.SCOPE).traceId(1, 2).spanId(3).name(TestSpans.NAME); // no times
        } finally {
            engine.publish(seq);
        }
        seq = engine.claim();
        try {
            engine.record(seq).scope(TestSpans.SCOPE).traceId(1, 2).spanId(4).name(TestSpans.NAME)
                    .startEpochNanos(-5).endEpochNanos(20); // a negative time is not a time
        } finally {
            engine.publish(seq);
        }
        TestSpans.publish(engine, 7, "/ok");
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(1, exporter.decodedSpans().size());
        assertEquals(7, TestSpans.idLong(exporter.decodedSpans().get(0).getSpanId(), 0));
        assertEquals(3, engine.stats(new EngineStats()).dropped(DropReason.INVALID_SPAN));
        RingApiTest.assertAccounting(engine, 4, 1);
    }

    @Test
    void anEndBeforeTheStartIsSentAsAZeroLengthSpan() {
        TraceEngine engine = engine();
        long seq = engine.claim();
        try {
            TestSpans.fill(engine.record(seq), 1, "/a").startEpochNanos(2_000).endEpochNanos(1_000);
        } finally {
            engine.publish(seq);
        }
        Span span = engine.tracer(TestSpans.SCOPE).start(TestSpans.NAME);
        span.end(span.startEpochNanos() - 1_000);
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(2, exporter.decodedSpans().size());
        for (io.opentelemetry.proto.trace.v1.Span wire : exporter.decodedSpans()) {
            assertEquals(wire.getStartTimeUnixNano(), wire.getEndTimeUnixNano());
        }
    }

    @Test
    void aTraceStateThatIsNotValidW3cNeverReachesTheWire() {
        TraceEngine engine = engine();
        long seq = engine.claim();
        try {
            TestSpans.fill(engine.record(seq), 1, "/a").traceState("not a tracestate")
                    .addLink(1, 2, 3, 0x101, "Upper=case");
        } finally {
            engine.publish(seq);
        }
        seq = engine.claim();
        try {
            TestSpans.fill(engine.record(seq), 2, "/a").traceState(" rojo=00f067aa0ba902b7 , ,congo=t61rcWkgMzE ");
        } finally {
            engine.publish(seq);
        }
        TraceContext parent = new TraceContext();
        assertTrue(W3cTraceContext.parseTraceParent(TRACEPARENT, parent));
        parent.traceState("a=1,a=2"); // a duplicate key: not valid
        engine.tracer(TestSpans.SCOPE).start(Utf8Constant.of("child"), SpanKind.SERVER, parent).end();
        assertTrue(engine.flush(Duration.ofSeconds(10)));

        Map<String, io.opentelemetry.proto.trace.v1.Span> byName = new HashMap<>();
        for (io.opentelemetry.proto.trace.v1.Span span : exporter.decodedSpans()) {
            byName.put(span.getName() + TestSpans.idLong(span.getSpanId(), 0), span);
        }
        io.opentelemetry.proto.trace.v1.Span invalid = byName.get("GET /orders/{id}1");
        assertEquals("", invalid.getTraceState());
        assertEquals(1, invalid.getLinksCount(), "the link stays, without its trace state");
        assertEquals("", invalid.getLinks(0).getTraceState());
        assertEquals("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", byName.get("GET /orders/{id}2").getTraceState(),
                "a valid one is sent normalized, as the SDK writes it");
        for (io.opentelemetry.proto.trace.v1.Span span : exporter.decodedSpans()) {
            if (span.getName().equals("child")) {
                assertEquals("", span.getTraceState());
            }
        }
        RingApiTest.assertAccounting(engine, 3, 3);
    }

    @Test
    void theDefaultResourceNamesTheSdkVersion() {
        TraceEngine engine = engine();
        TestSpans.publish(engine, 1, "/a");
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        ExportTraceServiceRequest request = exporter.decodedRequests().get(0);
        Map<String, String> attributes = new HashMap<>();
        for (KeyValue kv : request.getResourceSpans(0).getResource().getAttributesList()) {
            attributes.put(kv.getKey(), kv.getValue().getStringValue());
        }
        assertEquals("ringtrace", attributes.get("telemetry.sdk.name"));
        assertEquals("java", attributes.get("telemetry.sdk.language"));
        String version = attributes.get("telemetry.sdk.version");
        assertTrue(version != null && version.matches("\\d+\\.\\d+\\.\\d+.*"), "telemetry.sdk.version: " + version);
        assertEquals(System.getProperty("ringtrace.expected.version", version), version);
    }
}
