package io.ringtrace.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.engine.Logger;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import io.ringtrace.testkit.OtlpReceiver;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Log records emitted through ringtrace's logger API inside a span opened with the OpenTelemetry
 * API carry that span's trace id, span id and flags at the receiver (real OTLP/gRPC to testkit's
 * receiver, decoded with the official classes); outside any span they carry none. Spans of the SDK
 * (sampled and not) and of {@link RingtraceOpenTelemetry} are both covered.
 */
class OpenTelemetryLogCorrelationTest extends LeakCheckingTestBase {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final OtlpReceiver receiver = OtlpReceiver.start();
    private final SdkTracerProvider sdk = sdkProvider();

    @AfterEach
    void stop() {
        sdk.shutdown();
        receiver.close();
    }

    private LogEngine logEngine() {
        return closeAfter(LogEngine.builder()
                .exporter(OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint()).build())
                .scheduleDelay(Duration.ofMillis(20))
                .correlation(new OpenTelemetryCorrelation())
                .build());
    }

    @Test
    void aRecordInsideAnSdkSpanCarriesItsIdsAndOutsideNone() throws Exception {
        LogEngine logs = logEngine();
        Logger logger = logs.logger(InstrumentationScope.of("orders"));
        Tracer tracer = sdk.get("orders");

        logger.atInfo().body("before").emit();
        SpanContext sampled;
        Span span = tracer.spanBuilder("handle order").startSpan();
        try (Scope ignored = span.makeCurrent()) {
            sampled = span.getSpanContext();
            logger.atInfo().body("inside").emit();
        } finally {
            span.end();
        }
        logger.atInfo().body("after").emit();

        List<LogRecord> records = receive(logs, 3);
        assertUncorrelated(records.get(0), "before");
        assertCorrelated(records.get(1), "inside", sampled);
        assertEquals(1, records.get(1).getFlags() & 1, "sampled");
        assertUncorrelated(records.get(2), "after");
    }

    @Test
    void anUnsampledSdkSpanGivesItsIdsWithFlagsZero() throws Exception {
        LogEngine logs = logEngine();
        Logger logger = logs.logger(InstrumentationScope.of("orders"));
        try (SdkTracerProvider unsampled = SdkTracerProvider.builder().setSampler(Sampler.alwaysOff())
                .addSpanProcessor(SimpleSpanProcessor.create(io.opentelemetry.sdk.trace.export.SpanExporter.composite())).build()) {
            Span span = unsampled.get("orders").spanBuilder("handle order").startSpan();
            try (Scope ignored = span.makeCurrent()) {
                logger.atWarn().body("unsampled").emit();
            }
            span.end();
            LogRecord record = receive(logs, 1).get(0);
            assertCorrelated(record, "unsampled", span.getSpanContext());
            assertEquals(0, record.getFlags() & 1, "not sampled");
        }
    }

    @Test
    void aRecordInsideARingtraceOpenTelemetrySpanCarriesItsIds() throws Exception {
        TraceEngine traces = closeAfter(TraceEngine.builder().exporter(new InMemorySpanExporter()).build());
        Tracer tracer = RingtraceOpenTelemetry.create(traces).getTracer("orders");
        LogEngine logs = logEngine();
        Logger logger = logs.logger(InstrumentationScope.of("orders"));

        Span span = tracer.spanBuilder("handle order").startSpan();
        SpanContext context = span.getSpanContext();
        try (Scope ignored = span.makeCurrent()) {
            logger.atInfo().body("inside").emit();
        } finally {
            span.end();
        }
        logger.atInfo().body("after").emit();

        List<LogRecord> records = receive(logs, 2);
        assertCorrelated(records.get(0), "inside", context);
        assertEquals(1, records.get(0).getFlags());
        assertUncorrelated(records.get(1), "after");
    }

    private List<LogRecord> receive(LogEngine logs, int count) throws InterruptedException {
        assertTrue(logs.flush(WAIT));
        assertTrue(receiver.awaitLogRecordCount(count, WAIT), "records at the receiver");
        List<LogRecord> records = new java.util.ArrayList<>(receiver.logRecords());
        assertEquals(count, records.size());
        // requests may arrive in any order (several in flight): put the records back in emit order
        records.sort(java.util.Comparator.comparingLong(LogRecord::getTimeUnixNano));
        return records;
    }

    static void assertCorrelated(LogRecord record, String body, SpanContext span) {
        assertEquals(body, record.getBody().getStringValue());
        assertEquals(span.getTraceId(), HexFormat.of().formatHex(record.getTraceId().toByteArray()));
        assertEquals(span.getSpanId(), HexFormat.of().formatHex(record.getSpanId().toByteArray()));
        assertEquals(span.getTraceFlags().asByte() & 0xFF, record.getFlags(), "the span's W3C flags, all of them");
    }

    static void assertUncorrelated(LogRecord record, String body) {
        assertEquals(body, record.getBody().getStringValue());
        assertTrue(record.getTraceId().isEmpty() && record.getSpanId().isEmpty() && record.getFlags() == 0,
                "no trace context outside a span");
    }
    /** An SDK provider whose spans export nowhere (with no processor at all the SDK starts no real spans). */
    static SdkTracerProvider sdkProvider() {
        return SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(io.opentelemetry.sdk.trace.export.SpanExporter.composite()))
                .build();
    }
}
