package io.ringtrace.opentelemetry;

import io.ringtrace.opentelemetry.internal.AttributeKeys;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The API's edges on the ring: held and foreign-thread builders, a closed engine, exhausted pools, bounded caches. */
class ApiEdgeCasesTest extends LeakCheckingTestBase {

    private final InMemorySpanExporter exporter = new InMemorySpanExporter();

    private TraceEngine engine(int spansPerThread) {
        return closeAfter(TraceEngine.builder().exporter(exporter).spansPerThread(spansPerThread)
                .scheduleDelay(Duration.ofMillis(20)).build());
    }

    private List<String> exportedNames(TraceEngine engine) {
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        return exporter.decodedSpans().stream().map(io.opentelemetry.proto.trace.v1.Span::getName).sorted()
                .collect(Collectors.toList());
    }

    @Test
    void moreBuildersHeldAtOnceThanThePoolHoldsStayIndependent() {
        TraceEngine engine = engine(32);
        Tracer tracer = RingtraceOpenTelemetry.create(engine).getTracer("builders");
        int n = ThreadSpans.BUILDERS + 3;
        SpanBuilder[] builders = new SpanBuilder[n];
        for (int i = 0; i < n; i++) {
            builders[i] = tracer.spanBuilder("span " + i).setAttribute("i", (long) i);
        }
        for (int i = n - 1; i >= 0; i--) {
            builders[i].startSpan().end();
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        List<io.opentelemetry.proto.trace.v1.Span> spans = exporter.decodedSpans();
        assertEquals(n, spans.size());
        for (io.opentelemetry.proto.trace.v1.Span span : spans) {
            assertEquals("span " + span.getAttributes(0).getValue().getIntValue(), span.getName());
        }
    }

    @Test
    void aBuilderStartedOnAnotherThread() throws Exception {
        TraceEngine engine = engine(32);
        Tracer tracer = RingtraceOpenTelemetry.create(engine).getTracer("threads");
        SpanBuilder builder = tracer.spanBuilder("made here, started there").setAttribute("k", "v");
        CompletableFuture.runAsync(() -> builder.startSpan().end()).get();
        assertEquals(List.of("made here, started there"), exportedNames(engine));
    }

    @Test
    void aClosedEngineGivesSpansThatOnlyCarryTheirParentsContext() {
        TraceEngine engine = engine(32);
        Tracer tracer = RingtraceOpenTelemetry.create(engine).getTracer("closed");
        Span parent = tracer.spanBuilder("parent").startSpan();
        Context context = Context.root().with(parent);
        parent.end();
        engine.close();
        assertFalse(tracer.isEnabled());
        Span child = tracer.spanBuilder("after close").setParent(context).startSpan();
        assertFalse(child.isRecording());
        assertEquals(parent.getSpanContext(), child.getSpanContext());
        child.end();
        assertFalse(tracer.spanBuilder("root after close").startSpan().getSpanContext().isValid());
    }

    @Test
    void anExhaustedThreadPoolIsCountedAndTheApiKeepsWorking() {
        TraceEngine engine = engine(2);
        Tracer tracer = RingtraceOpenTelemetry.create(engine).getTracer("exhausted");
        Span a = tracer.spanBuilder("a").startSpan();
        Span b = tracer.spanBuilder("b").startSpan();
        Span c = tracer.spanBuilder("c").setParent(Context.root().with(b)).startSpan(); // the engine has 2 per thread
        assertFalse(c.isRecording());
        assertEquals(b.getSpanContext(), c.getSpanContext(), "carries its parent's context");
        c.setAttribute("ignored", 1L);
        c.end();
        b.end();
        a.end();
        assertEquals(List.of("a", "b"), exportedNames(engine));
        assertEquals(1, engine.stats(new EngineStats()).dropped(DropReason.POOL_EXHAUSTED));
    }

    @Test
    void tracersAreCachedPerScope() {
        OpenTelemetry otel = RingtraceOpenTelemetry.create(engine(32));
        assertSame(otel.getTracer("a", "1"), otel.getTracer("a", "1"));
        assertSame(otel.getTracer("a", "1"), otel.tracerBuilder("a").setInstrumentationVersion("1").build());
        assertNotEquals(otel.getTracer("a", "1"), otel.getTracer("a", "2"));
        assertNotEquals(otel.getTracer("a"), otel.tracerBuilder("a").setSchemaUrl("https://example.com/s").build());
    }

    @Test
    void theKeyCacheStopsGrowingAtItsBound() {
        AttributeKeys keys = new AttributeKeys();
        for (int i = 0; i < AttributeKeys.MAX_KEYS + 10; i++) {
            keys.get("key." + i);
        }
        assertEquals(AttributeKeys.MAX_KEYS, keys.size());
        assertSame(keys.get("key.0"), keys.get("key.0"));
        assertEquals(Utf8Constant.of("key." + (AttributeKeys.MAX_KEYS + 5)), keys.get("key." + (AttributeKeys.MAX_KEYS + 5)));
        assertEquals(AttributeKeys.MAX_KEYS, keys.size());
    }

    @Test
    void anUnsampledSpanPropagatesWithoutRecording() {
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter)
                .sampler(io.ringtrace.engine.Sampler.alwaysOff()).build());
        Tracer tracer = RingtraceOpenTelemetry.create(engine).getTracer("unsampled");
        Span span = tracer.spanBuilder("not sampled").startSpan();
        SpanContext context = span.getSpanContext();
        assertTrue(context.isValid());
        assertFalse(context.isSampled());
        assertFalse(span.isRecording());
        span.end();
        assertEquals(List.of(), exportedNames(engine));
    }
}
