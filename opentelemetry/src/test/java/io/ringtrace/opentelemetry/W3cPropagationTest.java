package io.ringtrace.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.TraceContext;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.W3cTraceContext;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * W3C propagation stays consistent across the two sides: {@code traceparent}/{@code tracestate}
 * written by OpenTelemetry's {@link W3CTraceContextPropagator} for a ringtrace span are the headers
 * ringtrace's {@link W3cTraceContext} writes, and a round trip through either side (inject on one,
 * extract on the other, start a child) stays in the same trace, under the right parent, with its
 * trace state.
 */
class W3cPropagationTest extends LeakCheckingTestBase {

    private static final Utf8Constant HANDLE = Utf8Constant.of("handle");
    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private final InMemorySpanExporter ringExporter = new InMemorySpanExporter();
    private final ContextBridgeTest.Collected sdkSpans = new ContextBridgeTest.Collected();
    private final SdkTracerProvider sdk = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(sdkSpans)).build();

    @AfterEach
    void closeSdk() {
        sdk.shutdown();
    }

    private TraceEngine engine() {
        return closeAfter(TraceEngine.builder().exporter(ringExporter).scheduleDelay(Duration.ofMillis(20)).build());
    }

    private static Map<String, String> inject(Context context) {
        Map<String, String> headers = new HashMap<>();
        W3C.inject(context, headers, Map::put);
        return headers;
    }

    @Test
    void bothSidesWriteTheSameHeadersForARingtraceSpan() throws Exception {
        TraceEngine engine = engine();
        TraceContext incoming = new TraceContext();
        W3cTraceContext.parseTraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", incoming);
        W3cTraceContext.parseTraceState("vendor=v1,other=x", incoming);
        io.ringtrace.engine.Span nativeSpan = engine.tracer(InstrumentationScope.of("native"))
                .start(HANDLE, SpanKind.SERVER, incoming);
        StringBuilder traceparent = new StringBuilder();
        W3cTraceContext.writeTraceParent(nativeSpan.context(), traceparent);
        StringBuilder tracestate = new StringBuilder();
        W3cTraceContext.writeTraceState(nativeSpan.context(), tracestate);

        Map<String, String> headers = inject(OtelContexts.with(Context.root(), nativeSpan));
        long traceIdHigh = nativeSpan.traceIdHigh();
        nativeSpan.end(); // the flyweight is reused from here: read nothing more from it
        assertEquals(traceparent.toString(), headers.get("traceparent"));
        assertEquals(tracestate.toString(), headers.get("tracestate"));
        assertEquals("vendor=v1,other=x", headers.get("tracestate"));

        // the same through the API on the ring
        io.opentelemetry.api.trace.Tracer api = RingtraceOpenTelemetry.create(engine).getTracer("api");
        Span apiSpan = api.spanBuilder("api").setParent(W3C.extract(Context.root(), headers, GETTER)).startSpan();
        Map<String, String> apiHeaders = inject(Context.root().with(apiSpan));
        TraceContext parsed = new TraceContext();
        assertTrue(W3cTraceContext.parseTraceParent(apiHeaders.get("traceparent"), parsed));
        W3cTraceContext.parseTraceState(apiHeaders.get("tracestate"), parsed);
        assertEquals(traceIdHigh, parsed.traceIdHigh());
        assertEquals(OtelIds.hexLong(apiSpan.getSpanContext().getSpanId(), 0), parsed.spanId());
        assertEquals("vendor=v1,other=x", parsed.traceState().toString());
        apiSpan.end();
    }

    @Test
    void aRoundTripThroughEitherSideStaysInOneTrace() throws Exception {
        TraceEngine engine = engine();
        io.opentelemetry.api.trace.Tracer api = RingtraceOpenTelemetry.create(engine).getTracer("api");
        io.ringtrace.engine.Tracer hotPath = engine.tracer(InstrumentationScope.of("native"));

        // SDK (service A) -> headers -> ringtrace's own API (service B) -> headers -> the API on the ring (C) -> headers -> SDK (D)
        Span a = sdk.get("a").spanBuilder("a").setParent(Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(
                "0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", io.opentelemetry.api.trace.TraceFlags.getSampled(),
                io.opentelemetry.api.trace.TraceState.builder().put("vendor", "v1").build())))).startSpan();
        Map<String, String> toB = inject(Context.root().with(a));

        TraceContext incoming = new TraceContext();
        assertTrue(W3cTraceContext.parseTraceParent(toB.get("traceparent"), incoming));
        W3cTraceContext.parseTraceState(toB.get("tracestate"), incoming);
        io.ringtrace.engine.Span b = hotPath.start(HANDLE, SpanKind.SERVER, incoming);
        StringBuilder traceparentToC = new StringBuilder();
        W3cTraceContext.writeTraceParent(b.context(), traceparentToC);
        StringBuilder tracestateToC = new StringBuilder();
        W3cTraceContext.writeTraceState(b.context(), tracestateToC);
        Map<String, String> toC = Map.of("traceparent", traceparentToC.toString(), "tracestate", tracestateToC.toString());

        Span c = api.spanBuilder("c").setParent(W3C.extract(Context.root(), toC, GETTER)).startSpan();
        Map<String, String> toD = inject(Context.root().with(c));
        Span d = sdk.get("d").spanBuilder("d").setParent(W3C.extract(Context.root(), toD, GETTER)).startSpan();
        d.end();
        c.end();
        b.end();
        a.end();

        assertTrue(engine.flush(Duration.ofSeconds(10)));
        Map<String, io.opentelemetry.proto.trace.v1.Span> ring = new HashMap<>();
        for (io.opentelemetry.proto.trace.v1.Span s : ringExporter.decodedSpans()) {
            ring.put(s.getName(), s);
        }
        SpanData sdkD = sdkSpans.spans.stream().filter(s -> s.getName().equals("d")).findFirst().orElseThrow();
        String trace = "0af7651916cd43dd8448eb211c80319c";
        assertEquals(trace, a.getSpanContext().getTraceId());
        assertEquals(trace, ContextBridgeTest.hex(ring.get("handle").getTraceId().toByteArray()));
        assertEquals(trace, ContextBridgeTest.hex(ring.get("c").getTraceId().toByteArray()));
        assertEquals(trace, sdkD.getTraceId());
        assertEquals(a.getSpanContext().getSpanId(), ContextBridgeTest.hex(ring.get("handle").getParentSpanId().toByteArray()));
        assertEquals(OtelIds.hex(b.spanId()), ContextBridgeTest.hex(ring.get("c").getParentSpanId().toByteArray()));
        assertEquals(c.getSpanContext().getSpanId(), sdkD.getParentSpanId());
        assertEquals("vendor=v1", ring.get("handle").getTraceState());
        assertEquals("vendor=v1", ring.get("c").getTraceState());
        assertEquals("v1", sdkD.getSpanContext().getTraceState().get("vendor"));
        assertEquals(0x301, ring.get("c").getFlags(), "a parent from headers is remote");
    }
}
