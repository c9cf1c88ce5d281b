package io.ringtrace.log4j2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import io.ringtrace.opentelemetry.OpenTelemetryCorrelation;
import io.ringtrace.testkit.OtlpReceiver;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The appender configured with {@code traceCorrelation="io.ringtrace.opentelemetry.OpenTelemetryCorrelation"}
 * (the attribute's class name, as in {@code log4j2.xml}): an event logged through a synchronous
 * logger inside a span opened with the OpenTelemetry API arrives at testkit's OTLP/gRPC receiver
 * with that span's trace id, span id and flags; outside any span it has none.
 */
class OpenTelemetryCorrelationTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final OtlpReceiver receiver = OtlpReceiver.start();
    private final SdkTracerProvider sdk = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(SpanExporter.composite())).build();
    private final LogEngine logs = LogEngine.builder()
            .exporter(OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint()).build())
            .scheduleDelay(Duration.ofMillis(20)).build();
    private LoggerContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop(10, TimeUnit.SECONDS);
        }
        logs.close();
        sdk.shutdown();
        receiver.close();
    }

    @Test
    void anEventInsideAnOpenTelemetrySpanCarriesItsIds() throws Exception {
        RingtraceAppender appender = RingtraceAppender.newBuilder().setName("otel").setLogEngine(logs)
                .setTraceCorrelation(OpenTelemetryCorrelation.class.getName()).buildOrThrow();
        appender.start();
        context = TestLoggers.start("otel-correlation", false, appender);
        Logger logger = context.getLogger("otel-correlation");

        logger.info("before");
        Span span = sdk.get("orders").spanBuilder("handle order").startSpan();
        SpanContext ids = span.getSpanContext();
        try (Scope ignored = span.makeCurrent()) {
            logger.info("inside");
        } finally {
            span.end();
        }
        logger.info("after");

        assertTrue(logs.flush(WAIT));
        assertTrue(receiver.awaitLogRecordCount(3, WAIT), "records at the receiver");
        List<LogRecord> records = receiver.logRecords(); // requests may arrive in any order: found by body
        assertEquals(3, records.size());
        assertUncorrelated(byBody(records, "before"), "before");
        LogRecord inside = byBody(records, "inside");
        assertEquals("inside", inside.getBody().getStringValue());
        assertEquals(ids.getTraceId(), HexFormat.of().formatHex(inside.getTraceId().toByteArray()));
        assertEquals(ids.getSpanId(), HexFormat.of().formatHex(inside.getSpanId().toByteArray()));
        assertEquals(ids.getTraceFlags().asByte() & 0xFF, inside.getFlags());
        assertUncorrelated(byBody(records, "after"), "after");
    }

    @Test
    void anUnknownCorrelationClassIsRefusedNamingTheAttribute() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RingtraceAppender.newBuilder()
                .setName("bad").setLogEngine(logs).setTraceCorrelation("com.example.NoSuchCorrelation").buildOrThrow());
        assertTrue(e.getMessage().startsWith("traceCorrelation"), e.getMessage());
        IllegalArgumentException notOne = assertThrows(IllegalArgumentException.class, () -> RingtraceAppender.newBuilder()
                .setName("bad").setLogEngine(logs).setTraceCorrelation(String.class.getName()).buildOrThrow());
        assertTrue(notOne.getMessage().contains("does not implement"), notOne.getMessage());
    }

    private static LogRecord byBody(List<LogRecord> records, String body) {
        return records.stream().filter(r -> r.getBody().getStringValue().equals(body)).findFirst()
                .orElseThrow(() -> new AssertionError("no record '" + body + "' in " + records));
    }

    private static void assertUncorrelated(LogRecord record, String body) {
        assertEquals(body, record.getBody().getStringValue());
        assertTrue(record.getTraceId().isEmpty() && record.getSpanId().isEmpty() && record.getFlags() == 0,
                "no trace context outside a span");
    }
}
