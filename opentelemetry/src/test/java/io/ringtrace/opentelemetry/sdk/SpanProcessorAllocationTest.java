package io.ringtrace.opentelemetry.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.OverloadPolicy;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.engine.testing.WireCountingExporter;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What {@link RingtraceSpanProcessor#onEnd} allocates on the thread that ends the span, measured in
 * bytes ({@code ThreadMXBean#getCurrentThreadAllocatedBytes}, deterministic) over ended SDK spans of
 * the common shape (server kind, 4 attributes, 1 event): exactly what the SDK's {@code toSpanData()}
 * allocates, nothing more. It also measures the two ways to read an ended SDK span, {@code
 * toSpanData()} (complete) against the {@code ReadableSpan} accessors (which lack times, status,
 * events and links, and whose {@code getAttributes()} copies the attributes), and checks that the
 * processor uses the cheaper one. The control (reading the attributes through the accessor as well)
 * must show up as allocation, or the measurement could not see any.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpanProcessorAllocationTest extends LeakCheckingTestBase {

    private static final int SPANS = 2_000;
    private static final int ROUNDS = 20;
    private static final ThreadMXBean THREADS = (ThreadMXBean) ManagementFactory.getThreadMXBean();

    private final Object[] escape = new Object[64]; // results escape here, so the JIT cannot elide them

    @Test
    void onEndAllocatesNothingBeyondTheSdksOwnRead() throws Exception {
        ReadableSpan[] spans = endedSpans();
        RingtraceSpanProcessor processor = RingtraceSpanProcessor.builder(TraceEngine.builder()
                        .overloadPolicy(OverloadPolicy.BLOCK) // every onEnd copies: none dropped unmeasured
                        .exporter(new WireCountingExporter((high, low, id) -> { })))
                .resource(SdkSpans.RESOURCE)
                .build();
        try {
            Consumer<ReadableSpan> toSpanData = span -> escape[(int) (span.getLatencyNanos() & 63)] = span.toSpanData();
            Consumer<ReadableSpan> accessors = span -> {
                escape[0] = span.getName();
                escape[1] = span.getKind();
                escape[2] = span.getSpanContext();
                escape[3] = span.getParentSpanContext();
                escape[4] = span.getInstrumentationScopeInfo();
                escape[5] = span.getAttributes();
            };
            Consumer<ReadableSpan> onEnd = processor::onEnd;
            Consumer<ReadableSpan> control = span -> {
                processor.onEnd(span);
                escape[5] = span.getAttributes();
            };

            double readBytes = 0;
            double accessorBytes = 0;
            double onEndBytes = 0;
            double controlBytes = 0;
            for (int round = 0; round < ROUNDS; round++) { // the last round counts: the JIT has settled by then
                readBytes = bytesPerSpan(spans, toSpanData);
                accessorBytes = bytesPerSpan(spans, accessors);
                onEndBytes = bytesPerSpan(spans, onEnd);
                controlBytes = bytesPerSpan(spans, control);
            }
            System.out.printf("bytes per span: toSpanData() %.1f, accessors %.1f, onEnd %.1f, control %.1f%n",
                    readBytes, accessorBytes, onEndBytes, controlBytes);

            assertTrue(readBytes < accessorBytes, "toSpanData() is the cheaper read: " + readBytes + " vs " + accessorBytes);
            assertTrue(onEndBytes <= readBytes + 0.1,
                    "onEnd allocates only what toSpanData() does: " + onEndBytes + " vs " + readBytes);
            assertTrue(controlBytes >= readBytes + 16, "the control's extra read is measured: " + controlBytes);

            assertTrue(processor.engine().flush(Duration.ofSeconds(20)));
            EngineStats stats = processor.engine().stats(new EngineStats());
            assertEquals((long) SPANS * ROUNDS * 2, stats.published());
            assertEquals(stats.published(), stats.exported());
            assertEquals(0, stats.droppedTotal());
        } finally {
            processor.shutdown();
        }
    }

    private static double bytesPerSpan(ReadableSpan[] spans, Consumer<ReadableSpan> read) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (ReadableSpan span : spans) {
            read.accept(span);
        }
        return (THREADS.getCurrentThreadAllocatedBytes() - before) / (double) spans.length;
    }

    /** @return ended spans of the common shape, as the SDK hands them to a processor */
    private static ReadableSpan[] endedSpans() {
        ReadableSpan[] spans = new ReadableSpan[SPANS];
        int[] next = {0};
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(SdkSpans.RESOURCE)
                .addSpanProcessor(new SpanProcessor() {
                    @Override
                    public void onStart(Context parentContext, ReadWriteSpan span) {}

                    @Override
                    public boolean isStartRequired() {
                        return false;
                    }

                    @Override
                    public void onEnd(ReadableSpan span) {
                        spans[next[0]++] = span;
                    }

                    @Override
                    public boolean isEndRequired() {
                        return true;
                    }
                })
                .build();
        Tracer tracer = provider.get("com.example.orders");
        for (int i = 0; i < SPANS; i++) {
            Span span = tracer.spanBuilder("GET /orders/{id}").setSpanKind(SpanKind.SERVER)
                    .setAttribute("http.route", "/orders/{id}")
                    .setAttribute("http.status_code", 200L)
                    .setAttribute("order.id", i)
                    .setAttribute("cached", i % 2 == 0)
                    .startSpan();
            span.addEvent("cache miss", Attributes.of(AttributeKey.longKey("shard"), 3L));
            span.end();
        }
        provider.close();
        return spans;
    }
}
