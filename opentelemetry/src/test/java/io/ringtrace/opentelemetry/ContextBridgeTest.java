package io.ringtrace.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.TraceContext;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Context in both directions: an OpenTelemetry span (the SDK's, as the Java agent's server span
 * would be) parents a span of ringtrace's own API, and a ringtrace span made current in
 * OpenTelemetry's {@code Context} parents the spans OpenTelemetry-instrumented code starts inside
 * it. What the bridge allocates is measured in bytes (ThreadMXBean).
 */
class ContextBridgeTest extends LeakCheckingTestBase {

    private static final Utf8Constant MATCH = Utf8Constant.of("match order");
    private static final String REMOTE_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    private final InMemorySpanExporter ringExporter = new InMemorySpanExporter();
    private final Collected sdkSpans = new Collected();
    private final SdkTracerProvider sdk = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(sdkSpans)).build();

    @AfterEach
    void closeSdk() {
        sdk.shutdown();
    }

    private TraceEngine engine() {
        return closeAfter(TraceEngine.builder().exporter(ringExporter).scheduleDelay(Duration.ofMillis(20)).build());
    }

    @Test
    void anOpenTelemetrySpanInTheCurrentContextParentsARingtraceSpan() {
        TraceEngine engine = engine();
        Tracer tracer = engine.tracer(InstrumentationScope.of("hot-path"));
        SpanContext remote = SpanContext.createFromRemoteParent(REMOTE_TRACE, "00f067aa0ba902b7",
                TraceFlags.getSampled(), TraceState.builder().put("vendor", "v1").build());
        Span server = sdk.get("agent-like").spanBuilder("GET /orders").setParent(Context.root().with(Span.wrap(remote)))
                .setSpanKind(io.opentelemetry.api.trace.SpanKind.SERVER).startSpan();
        TraceContext parent = new TraceContext();
        try (Scope ignored = server.makeCurrent()) {
            tracer.start(MATCH, SpanKind.INTERNAL, OtelContexts.parentOf(Context.current(), parent)).end();
        } finally {
            server.end();
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        io.opentelemetry.proto.trace.v1.Span child = ringExporter.decodedSpans().get(0);
        assertEquals(REMOTE_TRACE, hex(child.getTraceId().toByteArray()));
        assertEquals(server.getSpanContext().getSpanId(), hex(child.getParentSpanId().toByteArray()));
        assertEquals("vendor=v1", child.getTraceState(), "the trace state travels with the parent");
        assertEquals(0x101, child.getFlags(), "sampled, child of a local parent");
        assertNull(OtelContexts.parentOf(Context.root(), parent), "no span in the context: a root span");
    }

    @Test
    void aRingtraceSpanMadeCurrentParentsOpenTelemetryInstrumentedCode() {
        TraceEngine engine = engine();
        Tracer tracer = engine.tracer(InstrumentationScope.of("hot-path"));
        io.opentelemetry.api.trace.Tracer apiOnTheRing = RingtraceOpenTelemetry.create(engine).getTracer("api-on-the-ring");
        io.ringtrace.engine.Span span = tracer.start(MATCH);
        try (Scope ignored = OtelContexts.makeCurrent(span)) {
            assertTrue(Span.current().getSpanContext().isValid());
            sdk.get("jdbc-like").spanBuilder("SELECT orders").startSpan().end(); // as instrumented code would
            apiOnTheRing.spanBuilder("api child").startSpan().end();
        } finally {
            span.end();
        }
        SpanData sdkChild = sdkSpans.spans.get(0);
        assertEquals(OtelIds.hex(span.traceIdHigh(), span.traceIdLow()), sdkChild.getTraceId());
        assertEquals(OtelIds.hex(span.spanId()), sdkChild.getParentSpanId());
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        io.opentelemetry.proto.trace.v1.Span apiChild = ringExporter.decodedSpans().get(0);
        assertEquals("api child", apiChild.getName());
        assertEquals(OtelIds.hex(span.spanId()), hex(apiChild.getParentSpanId().toByteArray()));
    }

    @Test
    void whatTheBridgeAllocates() {
        TraceEngine engine = engine();
        Tracer tracer = engine.tracer(InstrumentationScope.of("hot-path"));
        Span sdkSpan = sdk.get("agent-like").spanBuilder("GET /orders").startSpan();
        Context withSdkSpan = Context.root().with(sdkSpan);
        TraceContext parent = new TraceContext();
        io.ringtrace.engine.Span span = tracer.start(MATCH);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        int n = 50_000;
        double parentOf = Double.MAX_VALUE;
        double makeCurrent = Double.MAX_VALUE;
        for (int round = 0; round < 4; round++) { // the first round warms up; the least of the others counts
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < n; i++) {
                OtelContexts.parentOf(withSdkSpan, parent);
            }
            long middle = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < n; i++) {
                try (Scope ignored = OtelContexts.makeCurrent(span)) {
                    parent.clear();
                }
            }
            long after = threads.getThreadAllocatedBytes(thread);
            if (round > 0) {
                parentOf = Math.min(parentOf, (double) (middle - before) / n);
                makeCurrent = Math.min(makeCurrent, (double) (after - middle) / n);
            }
        }
        span.end();
        sdkSpan.end();
        System.out.printf("OtelContexts.parentOf(SDK span's context): %.1f B; OtelContexts.makeCurrent(span) + close: %.1f B%n",
                parentOf, makeCurrent);
        assertEquals(0.0, parentOf, 0.5, "reading an OpenTelemetry parent allocates nothing");
        // the span context (56 B), Span.wrap's view (16 B), the Context with it (about 40 B), the Scope (24 B)
        assertTrue(makeCurrent <= 160, "makeCurrent allocated " + makeCurrent + " B");
        assertTrue(makeCurrent >= 64, "makeCurrent measured only " + makeCurrent + " B: the measurement missed it");
    }

    static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder();
        for (byte b : bytes) {
            s.append(String.format("%02x", b));
        }
        return s.toString();
    }

    /** Keeps what the SDK ends. */
    static final class Collected implements SpanExporter {
        final List<SpanData> spans = new CopyOnWriteArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
