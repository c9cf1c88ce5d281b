package io.ringtrace.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.TextFormat;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.testkit.OtlpReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The OpenTelemetry SDK is the oracle: the same API calls go through the SDK (with its OTLP gRPC
 * exporter) and through {@link RingtraceOpenTelemetry} (with ringtrace's OTLP gRPC exporter), each
 * to a testkit {@link OtlpReceiver} over real gRPC on 127.0.0.1, and the received spans must be the
 * same: names, kinds, times, flags, parents and trace states, attributes of every type, events,
 * links, statuses, dropped counts under the same limits, and the instrumentation scope. Ids the
 * systems generate are compared by the relations they express (same trace, which parent).
 *
 * <p>Permitted differences, normalized here and listed in the module README: the W3C random-trace-id
 * flag (0x02) the SDK sets on the spans it starts; an exception event's time (now, on each side)
 * and the length of its stack trace (ringtrace cuts it to fit the event budget); the resource.
 */
class SdkOracleTest extends LeakCheckingTestBase {

    private static final long T = 1_700_000_000_000_000_000L;
    private static final String REMOTE_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String REMOTE_SPAN = "00f067aa0ba902b7";
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");

    @Test
    void theSameCallsGiveTheSameSpansAsTheSdk() throws Exception {
        List<String> sdk = describe(sendWithTheSdk());
        List<String> ringtrace = describe(sendWithRingtrace());
        assertEquals(String.join("\n", sdk), String.join("\n", ringtrace));
        assertEquals(7, sdk.size(), "spans: " + sdk);
    }

    /** The calls, identical for both systems. */
    static void scenario(OpenTelemetry otel) {
        Tracer tracer = otel.getTracerProvider().tracerBuilder("io.ringtrace.oracle")
                .setInstrumentationVersion("1.2.3").setSchemaUrl("https://opentelemetry.io/schemas/1.24.0").build();
        Span server = tracer.spanBuilder("GET /orders/{id}").setSpanKind(SpanKind.SERVER)
                .setStartTimestamp(T, TimeUnit.NANOSECONDS)
                .setAttribute(METHOD, "GET")
                .setAttribute("http.response.status_code", 200L)
                .setAttribute("ratio", 0.25)
                .setAttribute("cached", true)
                .setAttribute(AttributeKey.stringArrayKey("tags"), List.of("a", "b"))
                .setAttribute(AttributeKey.longArrayKey("ids"), List.of(1L, 2L))
                .setAttribute(AttributeKey.doubleArrayKey("weights"), List.of(0.5, 1.5))
                .setAttribute(AttributeKey.booleanArrayKey("bits"), List.of(true, false))
                .setAttribute("", "an empty key is ignored")
                .setAttribute(METHOD, null)
                .startSpan();
        try (Scope ignored = server.makeCurrent()) {
            Span child = tracer.spanBuilder("load order").setStartTimestamp(T + 100, TimeUnit.NANOSECONDS).startSpan();
            child.addEvent("cache miss", Attributes.of(AttributeKey.stringKey("key"), "order:1"), T + 150,
                    TimeUnit.NANOSECONDS);
            child.addEvent("retry", T + 160, TimeUnit.NANOSECONDS);
            child.setStatus(StatusCode.ERROR, "timeout");
            child.setStatus(StatusCode.OK, "a description with OK is dropped");
            child.setStatus(StatusCode.ERROR, "OK is final");
            child.end(T + 200, TimeUnit.NANOSECONDS);
        }
        server.updateName("GET /orders/{id} (renamed)");
        server.addLink(remote(true), Attributes.of(AttributeKey.longKey("link.n"), 7L));
        server.setStatus(StatusCode.ERROR, "boom");
        server.recordException(new IllegalStateException("bad state"), Attributes.of(AttributeKey.booleanKey("handled"), true));
        server.end(T + 1000, TimeUnit.NANOSECONDS);
        server.setAttribute("after.end", 1L); // no-ops on an ended span
        server.addEvent("after end");
        server.end(T + 2000, TimeUnit.NANOSECONDS);

        // a remote parent with a trace state, links on the builder (one over the limit of 2)
        Span consumer = tracer.spanBuilder("consume").setSpanKind(SpanKind.CONSUMER)
                .setParent(Context.root().with(Span.wrap(remote(true))))
                .addLink(SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
                        TraceFlags.getSampled(), TraceState.getDefault()))
                .addLink(SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203332",
                        TraceFlags.getDefault(), TraceState.getDefault()), Attributes.of(AttributeKey.stringKey("why"), "batch"))
                .addLink(SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203333",
                        TraceFlags.getSampled(), TraceState.getDefault()))
                .setStartTimestamp(T + 3000, TimeUnit.NANOSECONDS)
                .startSpan();
        consumer.end(T + 3100, TimeUnit.NANOSECONDS);

        // an unsampled remote parent: parent-based sampling drops the child on both sides
        Span unsampled = tracer.spanBuilder("unsampled").setParent(Context.root().with(Span.wrap(remote(false)))).startSpan();
        if (unsampled.isRecording() || unsampled.getSpanContext().isSampled()) {
            throw new AssertionError("a child of an unsampled parent must not record");
        }
        unsampled.end();

        // limits (16 attributes, 4 events of 4 attributes, 2 links on both sides), set on the builder and the span
        io.opentelemetry.api.trace.SpanBuilder builder = tracer.spanBuilder("limits").setNoParent()
                .setStartTimestamp(T + 4000, TimeUnit.NANOSECONDS);
        for (int i = 0; i < 10; i++) {
            builder.setAttribute("builder." + i, (long) i);
        }
        Span limits = builder.startSpan();
        for (int i = 0; i < 10; i++) {
            limits.setAttribute("span." + i, i * 0.5);
        }
        for (int i = 0; i < 6; i++) {
            limits.addEvent("event " + i, Attributes.builder().put("a", 1L).put("b", 2L).put("c", 3L).put("d", 4L).put("e", 5L).build(),
                    T + 4001 + i, TimeUnit.NANOSECONDS);
        }
        limits.end(T + 5000, TimeUnit.NANOSECONDS);

        // a builder over the attribute limit, and a root span's kinds
        io.opentelemetry.api.trace.SpanBuilder over = tracer.spanBuilder("builder over the limit").setSpanKind(SpanKind.PRODUCER)
                .setStartTimestamp(T + 6000, TimeUnit.NANOSECONDS);
        for (int i = 0; i < 20; i++) {
            over.setAttribute("k" + i, "v" + i);
        }
        over.startSpan().end(T + 6100, TimeUnit.NANOSECONDS);

        Span client = tracer.spanBuilder("call").setSpanKind(SpanKind.CLIENT).setNoParent()
                .setStartTimestamp(T + 7000, TimeUnit.NANOSECONDS).startSpan();
        client.setAllAttributes(Attributes.of(AttributeKey.stringKey("peer"), "db", AttributeKey.longKey("port"), 5432L));
        client.setAttribute("peer", "db2"); // a repeated key replaces the value
        client.end(T + 7100, TimeUnit.NANOSECONDS);

        // a span nested in the renamed server span's context after it ended: its context outlives it
        Span late = tracer.spanBuilder("after the parent ended").setParent(Context.root().with(server))
                .setStartTimestamp(T + 8000, TimeUnit.NANOSECONDS).startSpan();
        late.end(T + 8100, TimeUnit.NANOSECONDS);
    }

    private static SpanContext remote(boolean sampled) {
        return SpanContext.createFromRemoteParent(REMOTE_TRACE, REMOTE_SPAN,
                sampled ? TraceFlags.getSampled() : TraceFlags.getDefault(),
                TraceState.builder().put("other", "x").put("vendor", "v1").build());
    }

    private List<ExportTraceServiceRequest> sendWithTheSdk() throws Exception {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setSpanLimits(SpanLimits.builder().setMaxNumberOfAttributes(16).setMaxNumberOfEvents(4)
                        .setMaxNumberOfLinks(2).setMaxNumberOfAttributesPerEvent(4).setMaxNumberOfAttributesPerLink(3).build())
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpGrpcSpanExporter.builder()
                        .setEndpoint(receiver.endpoint()).build()).build())
                .build();
        try {
            scenario(OpenTelemetrySdk.builder().setTracerProvider(provider).build());
            assertTrue(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess(), "SDK flush");
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
        assertEquals(7, receiver.spanCount(), "SDK spans arrived");
        return receiver.requests();
    }

    private List<ExportTraceServiceRequest> sendWithRingtrace() throws Exception {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        TraceEngine engine = closeAfter(TraceEngine.builder()
                .spanLimits(io.ringtrace.codec.SpanLimits.builder().maxAttributes(16).maxEvents(4).maxLinks(2)
                        .maxAttributesPerEvent(4).maxAttributesPerLink(3).build())
                .exporter(io.ringtrace.exporter.OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint()).build())
                .build());
        scenario(RingtraceOpenTelemetry.create(engine));
        assertTrue(engine.flush(Duration.ofSeconds(10)), "ringtrace flush");
        return receiver.requests();
    }

    /** Every received span as one line, ids replaced by the relations they express; sorted. */
    static List<String> describe(List<ExportTraceServiceRequest> requests) {
        List<String[]> spans = new ArrayList<>(); // scope, span
        Map<ByteString, String> names = new HashMap<>();
        List<io.opentelemetry.proto.trace.v1.Span> all = new ArrayList<>();
        List<String> scopes = new ArrayList<>();
        for (ExportTraceServiceRequest request : requests) {
            for (ResourceSpans rs : request.getResourceSpansList()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    String scope = ss.getScope().getName() + "@" + ss.getScope().getVersion() + " " + ss.getSchemaUrl();
                    for (io.opentelemetry.proto.trace.v1.Span s : ss.getSpansList()) {
                        names.put(s.getSpanId(), s.getName());
                        all.add(s);
                        scopes.add(scope);
                    }
                }
            }
        }
        Map<ByteString, String> traceOf = new HashMap<>();
        for (io.opentelemetry.proto.trace.v1.Span s : all) {
            if (s.getParentSpanId().isEmpty()) {
                traceOf.put(s.getTraceId(), "trace of " + s.getName());
            }
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            io.opentelemetry.proto.trace.v1.Span s = all.get(i);
            StringBuilder line = new StringBuilder();
            line.append(s.getName()).append(" | ").append(scopes.get(i)).append(" | ").append(s.getKind())
                    .append(" | ").append(s.getStartTimeUnixNano() - T).append("..").append(s.getEndTimeUnixNano() - T)
                    .append(" | flags=0x").append(Integer.toHexString(s.getFlags() & ~0x02))
                    .append(" | trace=").append(traceOf.getOrDefault(s.getTraceId(), hex(s.getTraceId())))
                    .append(" | parent=").append(s.getParentSpanId().isEmpty() ? "none"
                            : names.getOrDefault(s.getParentSpanId(), "remote " + hex(s.getParentSpanId())))
                    .append(" | tracestate=").append(s.getTraceState())
                    .append(" | attributes=").append(attributes(s.getAttributesList())).append(" dropped ")
                    .append(s.getDroppedAttributesCount());
            for (io.opentelemetry.proto.trace.v1.Span.Event e : s.getEventsList()) {
                boolean exception = e.getName().equals("exception");
                line.append(" | event ").append(e.getName()).append(" @").append(exception ? "now" : e.getTimeUnixNano() - T)
                        .append(' ').append(attributes(e.getAttributesList())).append(" dropped ")
                        .append(e.getDroppedAttributesCount());
            }
            line.append(" | dropped events ").append(s.getDroppedEventsCount());
            for (io.opentelemetry.proto.trace.v1.Span.Link l : s.getLinksList()) {
                line.append(" | link ").append(hex(l.getTraceId())).append('/').append(hex(l.getSpanId()))
                        .append(" flags=0x").append(Integer.toHexString(l.getFlags() & ~0x02)).append(' ')
                        .append(l.getTraceState()).append(' ').append(attributes(l.getAttributesList()));
            }
            line.append(" | dropped links ").append(s.getDroppedLinksCount())
                    .append(" | status ").append(s.getStatus().getCode()).append(" '").append(s.getStatus().getMessage()).append('\'');
            lines.add(line.toString());
        }
        lines.sort(Comparator.naturalOrder());
        return lines;
    }

    private static String attributes(List<KeyValue> attributes) {
        return attributes.stream()
                .map(kv -> kv.getKey() + "=" + (kv.getKey().equals("exception.stacktrace")
                        ? kv.getValue().getStringValue().lines().findFirst().orElse("")
                        : TextFormat.shortDebugString(kv.getValue())))
                .sorted().collect(Collectors.joining(", ", "{", "}"));
    }

    private static String hex(ByteString bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }

    @Test
    void describeSeesADifference() {
        // the comparison is not vacuous: a changed status shows
        io.opentelemetry.proto.trace.v1.Span a = io.opentelemetry.proto.trace.v1.Span.newBuilder().setName("x").build();
        io.opentelemetry.proto.trace.v1.Span b = a.toBuilder().setStatus(io.opentelemetry.proto.trace.v1.Status.newBuilder()
                .setCode(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR)).build();
        assertFalse(describe(List.of(request(a))).equals(describe(List.of(request(b)))));
    }

    private static ExportTraceServiceRequest request(io.opentelemetry.proto.trace.v1.Span span) {
        return ExportTraceServiceRequest.newBuilder().addResourceSpans(ResourceSpans.newBuilder()
                .addScopeSpans(ScopeSpans.newBuilder().addSpans(span))).build();
    }
}
