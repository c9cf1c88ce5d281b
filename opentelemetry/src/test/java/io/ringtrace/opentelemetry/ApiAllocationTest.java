package io.ringtrace.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.OverloadPolicy;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.engine.testing.WireCountingExporter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a span of the OpenTelemetry API on the ring allocates on the producer thread, measured with
 * {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes} and averaged over many spans after
 * a warm-up (the least of a few rounds: one-off JIT and class-loading work can land in any round;
 * allocation per span shows in every round). The engine behind it allocates nothing per span
 * ({@code ZeroAllocationTest} in the engine), so what is measured here is the API layer.
 */
class ApiAllocationTest extends LeakCheckingTestBase {

    static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey("cache.hit");
    static final Long STATUS_200 = 200L; // the caller's box, made once: the API takes a Long here

    private static final int WARMUP_SPANS = 60_000;
    private static final int MEASURED_SPANS = 50_000;
    private static final int ROUNDS = 3;

    @FunctionalInterface
    private interface Shape {
        void record(Tracer tracer, long i);
    }

    /** The common path: builder, kind, four attributes on the builder, start, end. */
    static final Shape COMMON = (tracer, i) -> {
        Span span = tracer.spanBuilder("GET /orders/{id}").setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, "GET").setAttribute(PATH, "/api/orders/1234567")
                .setAttribute(STATUS, STATUS_200).setAttribute(CACHE_HIT, Boolean.TRUE)
                .startSpan();
        span.end();
    };

    /** The common path with the long value boxed by the caller at each call, as Java does for 200L. */
    static final Shape COMMON_AUTOBOXED = (tracer, i) -> {
        Span span = tracer.spanBuilder("GET /orders/{id}").setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, "GET").setAttribute(PATH, "/api/orders/1234567")
                .setAttribute(STATUS, 200L).setAttribute(CACHE_HIT, true)
                .startSpan();
        span.end();
    };

    /** The same with {@code makeCurrent()} around the work and a child span inside it. */
    static final Shape WITH_CURRENT_AND_CHILD = (tracer, i) -> {
        Span span = tracer.spanBuilder("GET /orders/{id}").setSpanKind(SpanKind.SERVER)
                .setAttribute(METHOD, "GET").setAttribute(PATH, "/api/orders/1234567")
                .setAttribute(STATUS, STATUS_200).setAttribute(CACHE_HIT, Boolean.TRUE)
                .startSpan();
        try (Scope ignored = span.makeCurrent()) {
            tracer.spanBuilder("load order").startSpan().end(); // a child of the current span
        } finally {
            span.end();
        }
    };

    /** The common path plus one allocation per span: what the check must catch. */
    private static volatile Object sink;
    static final Shape ALLOCATING = (tracer, i) -> {
        COMMON.record(tracer, i);
        sink = new long[4]; // 32 B of array: the per-span total crosses the bound
    };

    @Test
    void theCommonPathAllocatesAtMost32BytesPerSpan() throws Exception {
        double perSpan = measure(COMMON);
        System.out.printf("OpenTelemetry API on the ring, common path: %.1f B/span%n", perSpan);
        assertTrue(perSpan <= 32.0, "allocated " + perSpan + " B per span, more than 32");
    }

    @Test
    void aLongBoxedByTheCallerAtEachCallAddsOnlyTheBox() throws Exception {
        double perSpan = measure(COMMON_AUTOBOXED);
        System.out.printf("OpenTelemetry API on the ring, common path, 200L autoboxed: %.1f B/span%n", perSpan);
        // the API takes an AttributeKey<Long>'s value as a Long: javac boxes 200L (16 B) at the call
        assertTrue(perSpan <= 64.0, "allocated " + perSpan + " B per span with an autoboxed long");
    }

    @Test
    void theCheckFailsOnAnAllocatingVariant() throws Exception {
        double perSpan = measure(ALLOCATING);
        assertTrue(perSpan > 32.0, "the allocating variant measured " + perSpan + " B per span");
    }

    @Test
    void makeCurrentWithAChildCostsTheContextItsScopeAndTheSecondHandle() throws Exception {
        double perSpan = measure(WITH_CURRENT_AND_CHILD);
        System.out.printf("OpenTelemetry API on the ring, makeCurrent() + a child span: %.1f B/span%n", perSpan);
        // two handles (2 x 32 B), the span context fixed before it goes into the Context (56 B), the
        // Context with the span (ArrayBasedContext + its array) and the Scope: about 200 B
        assertTrue(perSpan <= 256.0, "allocated " + perSpan + " B per span with makeCurrent()");
        assertTrue(perSpan >= 100.0, "allocated only " + perSpan + " B: the measurement missed the Context");
    }

    @Test
    void theSdkOnTheSamePathForComparison() throws Exception {
        io.opentelemetry.sdk.trace.SdkTracerProvider provider = io.opentelemetry.sdk.trace.SdkTracerProvider.builder()
                .addSpanProcessor(io.opentelemetry.sdk.trace.export.BatchSpanProcessor.builder(
                        io.opentelemetry.sdk.trace.export.SpanExporter.composite()).build()) // exports nowhere
                .build();
        try {
            double sdk = allocatedPerSpan(provider.get("alloc-test", "1.0"), COMMON);
            System.out.printf("OpenTelemetry SDK + BatchSpanProcessor, common path: %.1f B/span%n", sdk);
            assertTrue(sdk > 10 * 32, "the SDK allocates an order of magnitude more: " + sdk);
        } finally {
            provider.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static double allocatedPerSpan(Tracer tracer, Shape shape) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long id = 0;
        for (int i = 0; i < WARMUP_SPANS; i++) {
            shape.record(tracer, id++);
        }
        double least = Double.MAX_VALUE;
        for (int round = 0; round < ROUNDS; round++) {
            long before = threads.getThreadAllocatedBytes(thread);
            for (int i = 0; i < MEASURED_SPANS; i++) {
                shape.record(tracer, id++);
            }
            long after = threads.getThreadAllocatedBytes(thread);
            least = Math.min(least, (double) (after - before) / MEASURED_SPANS);
        }
        return least;
    }

    private double measure(Shape shape) throws Exception {
        WireCountingExporter exporter = new WireCountingExporter((high, low, spanId) -> { });
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter)
                .overloadPolicy(OverloadPolicy.BLOCK).scheduleDelay(Duration.ofMillis(50)).build());
        Tracer tracer = RingtraceOpenTelemetry.create(engine).getTracer("alloc-test", "1.0");
        double least = allocatedPerSpan(tracer, shape);
        assertTrue(engine.flush(Duration.ofSeconds(10)), "flush");
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(stats.published(), stats.exported(), "every published span exported: " + stats);
        assertTrue(stats.exported() >= WARMUP_SPANS + (long) ROUNDS * MEASURED_SPANS, "spans exported: " + stats);
        return least;
    }
}
