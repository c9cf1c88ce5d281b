package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.engine.Logger;
import io.ringtrace.engine.Span;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.OtlpReceiver;
import io.ringtrace.testkit.RecordingReceiver;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Log records emitted through a {@link LogEngine} (logger API from several threads, and the ring
 * API) arrive at a real OTLP receiver over loopback, decoded with the official classes, once each
 * and equal to what was emitted; a record emitted inside a span carries the ids of that span as the
 * receiver got it from the span engine; a partial success is counted as rejected log records; and
 * the accounting adds up after close.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LogEndToEndTest extends LeakCheckingTestBase {

    private static final InstrumentationScope ORDERS = InstrumentationScope.of("com.example.orders");
    private static final InstrumentationScope BILLING = InstrumentationScope.of("com.example.billing");
    private static final Utf8Constant SEQ = Utf8Constant.of("seq");
    private static final Utf8Constant THREAD = Utf8Constant.of("thread");
    private static final Utf8Constant SPAN_NAME = Utf8Constant.of("handle order");
    private static final Utf8Constant EVENT = Utf8Constant.of("order.placed");
    private static final Utf8Constant INFO = Utf8Constant.of("INFO");
    private static final int THREADS = 2;
    private static final int PER_THREAD = 1500;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void grpcEveryRecordArrivesOnceEqualAndCorrelated() throws Exception {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        everyRecordArrivesOnceEqualAndCorrelated(receiver,
                () -> OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint()).build());
    }

    @Test
    void httpEveryRecordArrivesOnceEqualAndCorrelated() throws Exception {
        OtlpHttpReceiver receiver = closeAfter(OtlpHttpReceiver.start());
        everyRecordArrivesOnceEqualAndCorrelated(receiver,
                () -> OtlpHttpSpanExporter.builder().endpoint(receiver.tracesUrl()).build());
    }

    private void everyRecordArrivesOnceEqualAndCorrelated(RecordingReceiver<?, ?> receiver,
            java.util.function.Supplier<SpanExporter> exporters) throws Exception {
        TraceEngine traces = closeAfter(TraceEngine.builder().name("e2e-traces").exporter(exporters.get()).build());
        LogEngine logs = closeAfter(LogEngine.builder().name("e2e-logs").exporter(exporters.get()).traceEngine(traces)
                .maxExportBatchSize(200).scheduleDelay(Duration.ofMillis(50)).build());
        Logger orders = logs.logger(ORDERS);
        Logger billing = logs.logger(BILLING);
        Tracer tracer = traces.tracer(ORDERS);
        Thread[] threads = new Thread[THREADS];
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < THREADS; t++) {
            int thread = t;
            threads[t] = new Thread(() -> {
                try {
                    StringBuilder body = new StringBuilder();
                    for (long i = 0; i < PER_THREAD; i++) {
                        long seq = thread * 1_000_000L + i;
                        body.setLength(0);
                        body.append("order ").append(seq).append(" placed");
                        if (i % 2 == 0) {
                            Span span = tracer.start(SPAN_NAME);
                            span.attribute(SEQ, seq);
                            orders.atInfo().body(body).attribute(SEQ, seq).attribute(THREAD, (long) thread)
                                    .eventName(EVENT).emit();
                            span.end();
                        } else {
                            billing.atWarn().body(body).attribute(SEQ, seq).attribute(THREAD, (long) thread).emit();
                        }
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                }
            }, "e2e-logger-" + t);
            threads[t].start();
        }
        for (int i = 0; i < 100; i++) { // the ring API beside them
            long seq = logs.claim();
            try {
                logs.record(seq).scope(BILLING).timestamp(1_700_000_000_000_000_000L + i).severityNumber(9)
                        .severityText(INFO).body((long) i).attribute(SEQ, 9_000_000L + i).traceId(5, 6).spanId(7).traceFlags(1);
            } finally {
                logs.publish(seq);
            }
        }
        for (Thread t : threads) {
            t.join(60_000);
        }
        if (failure[0] != null) {
            throw new AssertionError("a logging thread failed", failure[0]);
        }
        long expected = (long) THREADS * PER_THREAD + 100;
        assertTrue(logs.close(WAIT), "close exported everything");
        assertTrue(traces.close(WAIT));
        assertTrue(receiver.awaitLogRecordCount(expected, WAIT));

        EngineStats stats = logs.stats(new EngineStats());
        assertEquals(expected, stats.published());
        assertEquals(expected, stats.exported(), stats.toString());
        assertEquals(0, stats.inFlight());

        Map<Long, Long[]> spanIdsBySeq = new HashMap<>(); // seq -> {trace high, trace low, span id}
        receiver.spans().forEach(s -> spanIdsBySeq.put(s.getAttributes(0).getValue().getIntValue(), new Long[] {
            s.getTraceId().asReadOnlyByteBuffer().getLong(0), s.getTraceId().asReadOnlyByteBuffer().getLong(8),
            s.getSpanId().asReadOnlyByteBuffer().getLong()}));
        assertEquals((long) THREADS * PER_THREAD / 2, spanIdsBySeq.size(), "every span arrived");

        Map<Long, LogRecord> bySeq = new HashMap<>();
        Map<Long, String> scopeBySeq = new HashMap<>();
        for (ExportLogsServiceRequest request : receiver.logsRequests()) {
            assertEquals(1, request.getResourceLogsCount());
            for (ScopeLogs scopeLogs : request.getResourceLogs(0).getScopeLogsList()) {
                for (LogRecord r : scopeLogs.getLogRecordsList()) {
                    long seq = r.getAttributes(0).getValue().getIntValue();
                    assertEquals(null, bySeq.put(seq, r), "record " + seq + " arrived twice");
                    scopeBySeq.put(seq, scopeLogs.getScope().getName());
                }
            }
        }
        assertEquals(expected, bySeq.size(), "every record arrived once");
        for (int thread = 0; thread < THREADS; thread++) {
            for (long i = 0; i < PER_THREAD; i++) {
                long seq = thread * 1_000_000L + i;
                LogRecord r = bySeq.get(seq);
                assertNotNull(r, "record " + seq);
                assertEquals("order " + seq + " placed", r.getBody().getStringValue());
                assertEquals(List.of(kv("seq", seq), kv("thread", thread)), r.getAttributesList());
                assertTrue(r.getTimeUnixNano() > 0 && r.getObservedTimeUnixNano() == r.getTimeUnixNano());
                if (i % 2 == 0) {
                    assertEquals("com.example.orders", scopeBySeq.get(seq));
                    assertEquals("INFO", r.getSeverityText());
                    assertEquals(9, r.getSeverityNumberValue());
                    assertEquals("order.placed", r.getEventName());
                    Long[] span = spanIdsBySeq.get(seq);
                    ByteBuffer traceId = r.getTraceId().asReadOnlyByteBuffer();
                    assertEquals(span[0], traceId.getLong(0), "record " + seq + ": its span's trace id");
                    assertEquals(span[1], traceId.getLong(8));
                    assertEquals(span[2], r.getSpanId().asReadOnlyByteBuffer().getLong(), "record " + seq + ": its span's id");
                    assertEquals(1, r.getFlags(), "sampled");
                } else {
                    assertEquals("com.example.billing", scopeBySeq.get(seq));
                    assertEquals("WARN", r.getSeverityText());
                    assertTrue(r.getTraceId().isEmpty() && r.getSpanId().isEmpty() && r.getFlags() == 0, "no span");
                }
            }
        }
        LogRecord ringApi = bySeq.get(9_000_042L);
        assertEquals(42, ringApi.getBody().getIntValue());
        assertEquals(1_700_000_000_000_000_042L, ringApi.getTimeUnixNano());
        assertEquals(7, ringApi.getSpanId().asReadOnlyByteBuffer().getLong());
    }

    @Test
    void partialSuccessIsCountedAsRejectedLogRecords() throws Exception {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        receiver.rejectLogRecordsNext(1, 3);
        LogEngine logs = closeAfter(LogEngine.builder().name("e2e-partial")
                .exporter(OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint()).build()).build());
        Logger logger = logs.logger(ORDERS);
        for (long i = 0; i < 10; i++) {
            logger.atError().body("failed").attribute(SEQ, i).emit();
        }
        assertTrue(logs.flush(WAIT));
        EngineStats stats = logs.stats(new EngineStats());
        assertEquals(3, stats.dropped(DropReason.REJECTED));
        assertEquals(7, stats.exported());
        assertEquals(10, receiver.logRecordCount());
        assertEquals(3, receiver.rejectedLogRecordCount());
        assertEquals(stats.published(), stats.exported() + stats.droppedTotal() + stats.inFlight());
    }

    private static KeyValue kv(String key, long value) {
        return KeyValue.newBuilder().setKey(key)
                .setValue(io.opentelemetry.proto.common.v1.AnyValue.newBuilder().setIntValue(value)).build();
    }
}
