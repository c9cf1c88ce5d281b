package io.ringtrace.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.engine.Logger;
import io.ringtrace.engine.OverloadPolicy;
import io.ringtrace.engine.TraceCorrelation;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What correlating a log record with OpenTelemetry's current span costs the emitting thread, in
 * bytes ({@code ThreadMXBean#getThreadAllocatedBytes}, the least of a few rounds after a warm-up):
 * nothing, for a span of the SDK and of {@link RingtraceOpenTelemetry}, with the span made current
 * once around the records (the context and scope of {@code makeCurrent()} are the application's
 * cost, not the record's). A control source that asks for the ids as bytes must be caught.
 */
class OpenTelemetryCorrelationAllocationTest extends LeakCheckingTestBase {

    private static final int WARMUP = 60_000;
    private static final int MEASURED = 50_000;
    private static final int ROUNDS = 3;
    private static final String BODY = "order accepted";

    /** Allocates the trace id's 16 bytes per record, as {@code SpanContext.getTraceIdBytes()} does. */
    private static final TraceCorrelation BYTES_PER_RECORD = record -> {
        byte[] traceId = Span.current().getSpanContext().getTraceIdBytes();
        record.traceId(traceId[0], traceId[15]).spanId(1).traceFlags(1);
        return true;
    };

    @Test
    void anSdkSpanCostsNothingPerRecord() {
        try (SdkTracerProvider sdk = sdkProvider()) {
            double perRecord = perRecordInside(sdk.get("orders"), new OpenTelemetryCorrelation());
            System.out.printf("correlation with an SDK span: %.2f B/record%n", perRecord);
            assertTrue(perRecord < 1.0, perRecord + " B per record");
        }
    }

    @Test
    void aRingtraceOpenTelemetrySpanCostsNothingPerRecord() {
        TraceEngine traces = closeAfter(TraceEngine.builder().exporter(new InMemorySpanExporter()).build());
        Tracer tracer = RingtraceOpenTelemetry.create(traces).getTracer("orders");
        double perRecord = perRecordInside(tracer, new OpenTelemetryCorrelation());
        System.out.printf("correlation with a RingtraceOpenTelemetry span: %.2f B/record%n", perRecord);
        assertTrue(perRecord < 1.0, perRecord + " B per record");
    }

    @Test
    void theCheckCatchesASourceThatAllocates() {
        try (SdkTracerProvider sdk = sdkProvider()) {
            double perRecord = perRecordInside(sdk.get("orders"), BYTES_PER_RECORD);
            assertTrue(perRecord >= 16.0, "the allocating control measured " + perRecord + " B per record");
        }
    }

    private double perRecordInside(Tracer tracer, TraceCorrelation correlation) {
        Discarding exporter = new Discarding();
        LogEngine logs = closeAfter(LogEngine.builder().exporter(exporter).overloadPolicy(OverloadPolicy.BLOCK)
                .scheduleDelay(Duration.ofMillis(50)).correlation(correlation).build());
        Logger logger = logs.logger(InstrumentationScope.of("orders"));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        double least = Double.MAX_VALUE;
        Span span = tracer.spanBuilder("handle orders").startSpan();
        try (Scope ignored = span.makeCurrent()) {
            for (int i = 0; i < WARMUP; i++) {
                logger.atInfo().body(BODY).emit();
            }
            for (int round = 0; round < ROUNDS; round++) {
                long before = threads.getThreadAllocatedBytes(thread);
                for (int i = 0; i < MEASURED; i++) {
                    logger.atInfo().body(BODY).emit();
                }
                long after = threads.getThreadAllocatedBytes(thread);
                least = Math.min(least, (double) (after - before) / MEASURED);
            }
        } finally {
            span.end();
        }
        assertTrue(logs.flush(Duration.ofSeconds(10)), "flush");
        EngineStats stats = logs.stats(new EngineStats());
        assertEquals(WARMUP + (long) ROUNDS * MEASURED, stats.exported(), "every record exported: " + stats);
        return least;
    }

    /** Completes every request at once; allocates nothing. */
    private static final class Discarding implements SpanExporter {
        @Override
        public void export(ExportRequest request) {
            request.succeeded(0);
        }

        @Override
        public void shutdown(long deadlineNanoTime) {
            // nothing in flight
        }
    }
    /** An SDK provider whose spans export nowhere (with no processor at all the SDK starts no real spans). */
    static SdkTracerProvider sdkProvider() {
        return SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(io.opentelemetry.sdk.trace.export.SpanExporter.composite()))
                .build();
    }
}
