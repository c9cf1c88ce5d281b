package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The log engine on the generic pipeline: ring API, logger API, correlation, batching, accounting, configuration. */
class LogEngineTest extends LeakCheckingTestBase {

    static final InstrumentationScope SCOPE = InstrumentationScope.of("com.example.orders");
    static final InstrumentationScope OTHER = InstrumentationScope.of("com.example.billing");
    static final Utf8Constant SEQ = Utf8Constant.of("seq");
    static final Utf8Constant INFO = Utf8Constant.of("INFO");

    private final InMemorySpanExporter exporter = new InMemorySpanExporter();

    private LogEngine logs(LogEngineBuilder builder) {
        return closeAfter(builder.exporter(exporter).build());
    }

    @Test
    void ringApiRecordsArriveGroupedByScopeInBatches() {
        LogEngine logs = logs(LogEngine.builder().ringSize(64).maxExportBatchSize(100).scheduleDelay(Duration.ofSeconds(30)));
        StringBuilder message = new StringBuilder();
        for (long i = 1; i <= 1000; i++) {
            message.setLength(0);
            message.append("order ").append(i).append(" placed"); // reused: encoded at record time
            long seq = logs.claim();
            try {
                logs.record(seq).scope(i % 3 == 0 ? OTHER : SCOPE).timestamp(i * 1000).observedTimestamp(i * 1000 + 1)
                        .severityNumber(9).severityText(INFO).body(message).attribute(SEQ, i)
                        .traceId(7, i).spanId(i).traceFlags(1);
            } finally {
                logs.publish(seq);
            }
        }
        assertTrue(logs.flush(Duration.ofSeconds(10)));
        List<ExportLogsServiceRequest> requests = exporter.decodedLogsRequests();
        assertEquals(10, requests.size(), "1000 records in batches of 100");
        Map<Long, LogRecord> bySeq = new HashMap<>();
        for (ExportLogsServiceRequest request : requests) {
            assertEquals(1, request.getResourceLogsCount());
            for (ScopeLogs scopeLogs : request.getResourceLogs(0).getScopeLogsList()) {
                for (LogRecord r : scopeLogs.getLogRecordsList()) {
                    long i = r.getAttributes(0).getValue().getIntValue();
                    assertEquals(i % 3 == 0 ? "com.example.billing" : "com.example.orders", scopeLogs.getScope().getName());
                    assertEquals(null, bySeq.put(i, r), "record " + i + " once");
                }
            }
        }
        assertEquals(1000, bySeq.size());
        LogRecord r = bySeq.get(42L);
        assertEquals("order 42 placed", r.getBody().getStringValue());
        assertEquals(42_000, r.getTimeUnixNano());
        assertEquals(42_001, r.getObservedTimeUnixNano());
        assertEquals(9, r.getSeverityNumberValue());
        assertEquals("INFO", r.getSeverityText());
        assertEquals(1, r.getFlags());
        assertEquals(16, r.getTraceId().size());
        assertEquals(42, r.getSpanId().asReadOnlyByteBuffer().getLong());
        EngineStats stats = logs.stats(new EngineStats());
        assertEquals(1000, stats.published());
        assertEquals(1000, stats.exported());
        assertEquals(0, stats.inFlight());
    }

    @Test
    void loggerApiFillsTimeSeverityScopeAndTheCurrentSpan() {
        TraceEngine traces = closeAfter(TraceEngine.builder().exporter(new InMemorySpanExporter()).build());
        LogEngine logs = logs(LogEngine.builder().traceEngine(traces));
        Logger logger = logs.logger(SCOPE);
        long before = logs.nowEpochNanos();
        logger.atWarn().body("outside any span").attribute(SEQ, 1L).emit();
        Span span = traces.tracer(SCOPE).start(Utf8Constant.of("handle"));
        try {
            logger.atError().body("inside").attribute(SEQ, 2L).emit();
            long seq = logs.tryClaim(); // the ring API asks for the same correlation explicitly
            try {
                logs.correlate(logs.record(seq).scope(SCOPE).body("ring API inside"));
            } finally {
                logs.publish(seq);
            }
        } finally {
            span.end();
        }
        TraceContext explicit = new TraceContext().set(11, 12, 13, 1, false);
        logger.atInfo().body(3L).context(explicit).emit();
        long seq = logs.tryClaim();
        logs.correlate(logs.record(seq).scope(SCOPE).body("ring API outside")); // no current span: nothing written
        logs.publish(seq);
        assertTrue(logs.flush(Duration.ofSeconds(10)));

        List<LogRecord> records = exporter.decodedLogRecords();
        assertEquals(5, records.size());
        LogRecord ringInside = records.get(2);
        assertEquals(inSpanIds(span), java.util.List.of(ringInside.getTraceId().asReadOnlyByteBuffer().getLong(0),
                ringInside.getTraceId().asReadOnlyByteBuffer().getLong(8), ringInside.getSpanId().asReadOnlyByteBuffer().getLong()));
        assertTrue(records.get(4).getTraceId().isEmpty() && records.get(4).getSpanId().isEmpty());
        records.remove(2);
        LogRecord outside = records.get(0);
        assertEquals(13, outside.getSeverityNumberValue());
        assertEquals("WARN", outside.getSeverityText());
        assertTrue(outside.getTimeUnixNano() >= before && outside.getObservedTimeUnixNano() == outside.getTimeUnixNano());
        assertTrue(outside.getTraceId().isEmpty() && outside.getSpanId().isEmpty(), "no span: no ids");
        LogRecord inside = records.get(1);
        assertEquals("ERROR", inside.getSeverityText());
        assertEquals(span.traceIdHigh(), inside.getTraceId().asReadOnlyByteBuffer().getLong(0));
        assertEquals(span.traceIdLow(), inside.getTraceId().asReadOnlyByteBuffer().getLong(8));
        assertEquals(span.spanId(), inside.getSpanId().asReadOnlyByteBuffer().getLong());
        assertEquals(1, inside.getFlags(), "sampled");
        LogRecord given = records.get(2);
        assertEquals(3, given.getBody().getIntValue());
        assertEquals(13, given.getSpanId().asReadOnlyByteBuffer().getLong());
        assertEquals(Signal.LOGS, exporter.lastSignal());
    }

    @Test
    void everyLoggerApiCallInAnyOrderWritesTheRecordTheRingApisSettersWrite() {
        LogLimits limits = LogLimits.of(4, 128, 16, 96); // limits and a slot small enough to cut, drop and overflow
        LogEngine logs = logs(LogEngine.builder().logLimits(limits).slotBytes(256).overflowBuffers(2)
                .maxExportBatchSize(64).scheduleDelay(Duration.ofSeconds(30)));
        Logger logger = logs.logger(SCOPE);
        Utf8Constant[] keys = {SEQ, Utf8Constant.of("order.id"), Utf8Constant.of("tier"), Utf8Constant.of("k")};
        String[] texts = {"short", "", "caf\u00e9", "x".repeat(90), "y".repeat(200), "order A-10427 accepted"};
        TraceContext explicit = new TraceContext().set(11, 12, 13, 1, false);
        java.util.SplittableRandom random = new java.util.SplittableRandom(7);
        for (int record = 0; record < 300; record++) {
            LogRecordBuilder b = logger.atInfo();
            long seq = logs.tryClaim();
            LogRecordWriter w = logs.record(seq).scope(OTHER).severityNumber(9).severityText(INFO);
            for (int call = random.nextInt(10); call > 0; call--) {
                Utf8Constant key = keys[random.nextInt(keys.length)];
                String text = texts[random.nextInt(texts.length)];
                long number = random.nextLong(1, 1L << 40);
                switch (random.nextInt(10)) {
                    case 0 -> { b.body(text); w.body(text); }
                    case 1 -> { b.body(number); w.body(number); }
                    case 2, 3 -> { b.attribute(key, text); w.attribute(key, text); }
                    case 4 -> { b.attribute(key, number); w.attribute(key, number); }
                    case 5 -> { b.attribute(key, number / 7.0); w.attribute(key, number / 7.0); }
                    case 6 -> { b.attribute(key, number % 2 == 0); w.attribute(key, number % 2 == 0); }
                    case 7 -> { b.eventName(key); w.eventName(key); }
                    case 8 -> { b.timestamp(number); w.timestamp(number); }
                    default -> {
                        b.context(explicit);
                        w.traceId(11, 12).spanId(13).traceFlags(1);
                        b.record().attribute(key, text); // the record itself, after the appends of the builder
                        w.attribute(key, text);
                    }
                }
            }
            b.emit();
            logs.publish(seq);
        }
        assertTrue(logs.flush(Duration.ofSeconds(10)));
        List<LogRecord> viaLogger = new java.util.ArrayList<>();
        List<LogRecord> viaRing = new java.util.ArrayList<>();
        for (ExportLogsServiceRequest request : exporter.decodedLogsRequests()) {
            for (ScopeLogs scopeLogs : request.getResourceLogs(0).getScopeLogsList()) {
                for (LogRecord r : scopeLogs.getLogRecordsList()) {
                    boolean fromLogger = scopeLogs.getScope().getName().equals("com.example.orders");
                    LogRecord.Builder times = r.toBuilder().clearObservedTimeUnixNano();
                    (fromLogger ? viaLogger : viaRing).add(r.getTimeUnixNano() < 1L << 40 ? times.build() : times.clearTimeUnixNano().build());
                }
            }
        }
        assertTrue(viaLogger.size() > 250, "most records within the limits: " + viaLogger.size());
        assertEquals(viaRing, viaLogger);
    }

    @Test
    void oneClockReadingIsBothTimesAGivenTimeReplacesTheTimeOnlyAndEveryLevelHasItsNumberAndText() {
        LogEngine logs = logs(LogEngine.builder());
        Logger logger = logs.logger(SCOPE);
        long before = logs.nowEpochNanos();
        logger.atInfo().body("now").emit();
        logger.atInfo().timestamp(5_000).body("given").emit(); // the event's own time; observed when it was made
        logger.atTrace().emit();
        logger.atDebug().emit();
        logger.atWarn().emit();
        logger.atError().emit();
        logger.atFatal().emit();
        logger.at(10).emit();  // INFO2: its own number, its level's text
        logger.at(24).emit();  // FATAL4
        long after = logs.nowEpochNanos();
        assertTrue(logs.flush(Duration.ofSeconds(10)));
        List<LogRecord> records = exporter.decodedLogRecords();
        assertEquals(9, records.size());
        LogRecord now = records.get(0);
        assertTrue(now.getTimeUnixNano() >= before && now.getTimeUnixNano() <= after);
        assertEquals(now.getTimeUnixNano(), now.getObservedTimeUnixNano(), "one clock reading for both");
        LogRecord given = records.get(1);
        assertEquals(5_000, given.getTimeUnixNano());
        assertTrue(given.getObservedTimeUnixNano() >= now.getObservedTimeUnixNano() && given.getObservedTimeUnixNano() <= after,
                "observed: when the record was made, not the given time");
        int[] numbers = {1, 5, 13, 17, 21, 10, 24};
        String[] texts = {"TRACE", "DEBUG", "WARN", "ERROR", "FATAL", "INFO", "FATAL"};
        for (int i = 0; i < numbers.length; i++) {
            LogRecord r = records.get(2 + i);
            assertEquals(numbers[i], r.getSeverityNumberValue());
            assertEquals(texts[i], r.getSeverityText());
            assertEquals(r.getTimeUnixNano(), r.getObservedTimeUnixNano());
        }
        assertEquals(0, logs.stats(new EngineStats()).ignoredSpanCalls());
    }

    @Test
    void theThreadsSpanPoolKeptByTheLoggerFollowsItsSpansFromBeforeTheFirstSpanToTheSpanEnginesClose() {
        TraceEngine traces = closeAfter(TraceEngine.builder().exporter(new InMemorySpanExporter()).build());
        LogEngine logs = logs(LogEngine.builder().traceEngine(traces));
        Logger logger = logs.logger(SCOPE);
        Tracer tracer = traces.tracer(SCOPE);
        logger.atInfo().body("before any span").emit(); // the builder takes this thread's pool now
        Span outer = tracer.start(Utf8Constant.of("outer"));
        long outerId = outer.spanId(); // read now: an ended span's flyweight is reused
        logger.atInfo().body("in outer").emit();
        Span inner = tracer.start(Utf8Constant.of("inner"));
        long innerId = inner.spanId();
        logger.atInfo().body("in inner").emit();
        inner.end();
        logger.atInfo().body("back in outer").emit();
        outer.end();
        logger.atInfo().body("after").emit();
        Span open = tracer.start(Utf8Constant.of("open at close"));
        assertTrue(traces.close(Duration.ofSeconds(10)));
        logger.atInfo().body("span engine closed").emit();
        assertTrue(logs.flush(Duration.ofSeconds(10)));
        List<LogRecord> records = exporter.decodedLogRecords();
        assertEquals(6, records.size());
        long[] expectedSpan = {0, outerId, innerId, outerId, 0, 0};
        for (int i = 0; i < records.size(); i++) {
            LogRecord r = records.get(i);
            long spanId = r.getSpanId().isEmpty() ? 0 : r.getSpanId().asReadOnlyByteBuffer().getLong();
            assertEquals(expectedSpan[i], spanId, r.getBody().getStringValue());
        }
        assertTrue(open.isValid(), "the open span was valid: only the closed engine leaves the record uncorrelated");
    }

    @Test
    void misuseIsIgnoredAndCountedAndAnUnemittedRecordIsDroppedNotSent() {
        LogEngine logs = logs(LogEngine.builder());
        Logger logger = logs.logger(SCOPE);
        logger.atInfo().body((CharSequence) null).attribute(null, 1L).timestamp(-1).emit(); // 3 ignored calls
        logger.at(99).body("no severity").emit();                                           // 1 ignored call
        logger.atInfo().body("never emitted");                                             // given up by the next
        LogRecordBuilder b = logger.atInfo().body("emitted");
        b.emit();
        b.emit(); // a second emit does nothing
        assertTrue(logs.flush(Duration.ofSeconds(10)));
        List<LogRecord> records = exporter.decodedLogRecords();
        assertEquals(3, records.size());
        assertEquals(0, records.get(1).getSeverityNumberValue());
        assertEquals("emitted", records.get(2).getBody().getStringValue());
        EngineStats stats = logs.stats(new EngineStats());
        assertEquals(5, stats.ignoredSpanCalls());
        assertEquals(1, stats.dropped(DropReason.INVALID_SPAN), "the record given up");
        assertEquals(4, stats.published());
        assertEquals(stats.published(), stats.exported() + stats.droppedTotal() + stats.inFlight());
    }

    @Test
    void aRecordBiggerThanItsSlotIsExportedWholeAndAGivenUpOneReturnsItsOverflowBuffer() {
        LogEngine logs = logs(LogEngine.builder().slotBytes(256).overflowBuffers(2));
        Logger logger = logs.logger(SCOPE);
        LogRecordBuilder big = logger.atInfo().body("x".repeat(400)); // outgrows the 256-byte slot
        assertEquals(1, logs.overflowBuffersTaken());
        big.emit();
        logger.atInfo().body("y".repeat(400));                          // never emitted: given up by the next
        logger.atInfo().body("small").emit();
        assertTrue(logs.flush(Duration.ofSeconds(10)));
        assertEquals(0, logs.overflowBuffersTaken(), "every overflow buffer back");
        List<LogRecord> records = exporter.decodedLogRecords();
        assertEquals(2, records.size());
        assertEquals("x".repeat(400), records.get(0).getBody().getStringValue());
        assertEquals(1, logs.stats(new EngineStats()).spansOverflowed());
        assertEquals(1, logs.dropped(DropReason.INVALID_SPAN));
    }

    @Test
    void ringApiMisuseAndFailuresAreCounted() {
        LogEngine logs = logs(LogEngine.builder().logLimits(io.ringtrace.codec.LogLimits.of(8, 256, 64, 64)));
        long first = logs.tryClaim();
        LogRecordWriter record = logs.record(first);
        assertThrows(IllegalArgumentException.class, () -> record.severityNumber(30));
        logs.publish(first); // fill failed: INVALID
        assertThrows(IllegalStateException.class, () -> logs.publish(first));
        assertThrows(IllegalArgumentException.class, () -> logs.record(LogEngine.RING_FULL));
        long seq = logs.tryClaim();
        logs.record(seq).body("x".repeat(200)); // over the 64-byte body budget: too large
        logs.publish(seq);
        exporter.rejectPerRequest(1);
        seq = logs.tryClaim();
        logs.record(seq).body("ok");
        logs.publish(seq);
        assertTrue(logs.flush(Duration.ofSeconds(10)));
        EngineStats stats = logs.stats(new EngineStats());
        assertEquals(1, stats.dropped(DropReason.INVALID_SPAN));
        assertEquals(1, stats.dropped(DropReason.SPAN_TOO_LARGE));
        assertEquals(1, stats.dropped(DropReason.REJECTED), "partial success: rejected_log_records");
        assertEquals(0, stats.exported());
        assertEquals(3, stats.published());
        assertTrue(logs.close(Duration.ofSeconds(10)));
        assertEquals(LogEngine.CLOSED, logs.tryClaim());
        assertEquals(1, logs.dropped(DropReason.SHUTDOWN));
        logs.logger(SCOPE).atInfo().body("after close").emit(); // no-op, counted SHUTDOWN by its claim
        assertEquals(2, logs.dropped(DropReason.SHUTDOWN));
        assertEquals(0, logs.offHeapBytesHeld());
    }

    @Test
    void environmentIsReadThroughTheResolver() {
        Map<String, String> env = new HashMap<>();
        env.put("OTEL_BLRP_SCHEDULE_DELAY", "250");
        env.put("OTEL_BLRP_MAX_QUEUE_SIZE", "3000");
        env.put("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "64");
        env.put("OTEL_BLRP_EXPORT_TIMEOUT", "5000");
        env.put("OTEL_SERVICE_NAME", "checkout");
        LogEngineBuilder b = LogEngine.builder().fromEnvironment(env::get);
        assertEquals(Duration.ofMillis(250), b.pipeline.scheduleDelay);
        assertEquals(4096, b.pipeline.ringSize);
        assertEquals(64, b.pipeline.maxExportBatchSize);
        assertEquals(Duration.ofMillis(5000), b.exportTimeout);
        assertFalse(b.disabled);
        LogEngine logs = logs(b);
        assertEquals(4096, logs.ringSize());
        assertTrue(new String(logs.resource().toProtobuf(), java.nio.charset.StandardCharsets.UTF_8).contains("checkout"));

        assertTrue(LogEngine.builder().fromEnvironment(Map.of("OTEL_LOGS_EXPORTER", "none")::get).disabled);
        assertTrue(LogEngine.builder().fromEnvironment(Map.of("OTEL_SDK_DISABLED", "true")::get).disabled);
        assertFalse(LogEngine.builder().fromEnvironment(Map.of("OTEL_LOGS_EXPORTER", "otlp")::get).disabled);
        assertMessage("OTEL_LOGS_EXPORTER", () -> LogEngine.builder().fromEnvironment(Map.of("OTEL_LOGS_EXPORTER", "console")::get));
        assertMessage("OTEL_BLRP_MAX_QUEUE_SIZE", () -> LogEngine.builder().fromEnvironment(Map.of("OTEL_BLRP_MAX_QUEUE_SIZE", "-1")::get));
        assertMessage("OTEL_BLRP_SCHEDULE_DELAY", () -> LogEngine.builder().fromEnvironment(Map.of("OTEL_BLRP_SCHEDULE_DELAY", "soon")::get));
        assertMessage("OTEL_BLRP_EXPORT_TIMEOUT", () -> LogEngine.builder().fromEnvironment(Map.of("OTEL_BLRP_EXPORT_TIMEOUT", "x")::get));

        InMemorySpanExporter unused = new InMemorySpanExporter();
        LogEngine disabled = LogEngine.builder().disabled(true).exporter(unused).build();
        assertEquals(LogEngine.DISABLED, disabled.tryClaim());
        disabled.logger(SCOPE).atInfo().body("nothing").emit();
        assertEquals(1, unused.shutdownCalls(), "a disabled engine shuts its exporter down");
        assertEquals(0, disabled.stats(new EngineStats()).published());
    }

    @Test
    void theDefaultsAreTheSpanEnginesMeasuredRingAndBatchAndTheBlrpVariablesOverrideThem() {
        LogEngineBuilder b = LogEngine.builder();
        assertEquals(TraceEngineBuilder.DEFAULT_RING_SIZE, b.pipeline.ringSize);
        assertEquals(16_384, b.pipeline.ringSize);
        assertEquals(TraceEngineBuilder.DEFAULT_MAX_EXPORT_BATCH_SIZE, b.pipeline.maxExportBatchSize);
        assertEquals(4096, b.pipeline.maxExportBatchSize);
        assertEquals(Duration.ofSeconds(1), b.pipeline.scheduleDelay, "the BLRP's schedule delay");
        LogEngine logs = logs(LogEngine.builder().fromEnvironment(Map.<String, String>of()::get));
        assertEquals(16_384, logs.ringSize(), "no variable: the builder's default");
        LogEngineBuilder sdk = LogEngine.builder().fromEnvironment(
                Map.of("OTEL_BLRP_MAX_QUEUE_SIZE", "2048", "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", "512")::get);
        assertEquals(2048, sdk.pipeline.ringSize, "the variable overrides the default");
        assertEquals(512, sdk.pipeline.maxExportBatchSize);
        assertEquals(128, LogEngine.builder().ringSize(128).fromEnvironment(Map.<String, String>of()::get).pipeline.ringSize,
                "an unset variable keeps what the builder was given");
    }

    @Test
    void memoryIsTheDocumentedFormula() {
        // heap: ringSize x (slotBytes + 56) + overflowBuffers x (maxRecordBytes + 24), plus bookkeeping
        assertEquals(6_760, io.ringtrace.codec.LogSlot.maxRecordBytes(io.ringtrace.codec.LogLimits.defaults()));
        assertEquals(9_740_624, RingSlots.heapBytes(16_384, 512, 64, 6_760), "the defaults, as engine/README.md states");
        assertEquals(5_087_568, RingSlots.heapBytes(8192, 512, 64, 6_760));
        assertEquals(1_016_144, RingSlots.heapBytes(1024, 512, 64, 6_760));
        LogEngine logs = logs(LogEngine.builder().requestBuffers(5).maxRequestBytes(1 << 20));
        assertEquals(5L * io.ringtrace.codec.LogsRequestEncoder.requiredCapacity(1 << 20), logs.offHeapBytesHeld());
        assertEquals(11_141_440, logs.offHeapBytesHeld(), "off-heap with 5 buffers, as engine/README.md states");
        assertTrue(logs.close(Duration.ofSeconds(10)));
        assertEquals(0, logs.offHeapBytesHeld());
    }

    @Test
    void theEngineShowsItsStatsOverJmxUntilClosed() throws Exception {
        LogEngine logs = logs(LogEngine.builder().name("jmx-logs"));
        logs.logger(SCOPE).atInfo().body("counted").emit();
        assertTrue(logs.flush(Duration.ofSeconds(10)));
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName name = new javax.management.ObjectName("io.ringtrace:type=Engine,name=jmx-logs");
        assertTrue(server.isRegistered(name));
        assertEquals(1L, server.getAttribute(name, "Exported"));
        assertTrue(logs.close(Duration.ofSeconds(10)));
        assertFalse(server.isRegistered(name), "unregistered by close");
    }

    @Test
    void aClosedLogEngineIsCollectedWhileTheThreadThatLoggedLivesOn() throws Exception {
        java.util.concurrent.ExecutorService longLived = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            List<java.lang.ref.WeakReference<Object>> refs = logOnAndClose(longLived);
            assertTrue(EngineCollectionTest.collected(refs.get(0)), "the closed log engine is still reachable (from the"
                    + " logger API's thread-local builder?)");
            assertTrue(EngineCollectionTest.collected(refs.get(1)), "the closed log engine's slots are still reachable"
                    + " (from the builder's tail?)");
            assertTrue(longLived.submit(() -> Thread.currentThread().isAlive()).get(10, java.util.concurrent.TimeUnit.SECONDS));
        } finally {
            longLived.shutdownNow();
            assertTrue(longLived.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS));
        }
    }

    private static List<java.lang.ref.WeakReference<Object>> logOnAndClose(java.util.concurrent.ExecutorService thread)
            throws Exception {
        LogEngine logs = LogEngine.builder().name("log-collection").ringSize(64).exporter(new InMemorySpanExporter()).build();
        Logger logger = logs.logger(SCOPE);
        thread.submit(() -> logger.atInfo().body("from a pooled thread").emit()).get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(logs.close(Duration.ofSeconds(10)));
        return List.of(new java.lang.ref.WeakReference<>(logs), new java.lang.ref.WeakReference<>(logs.pipeline.slots.area));
    }

    private static List<Long> inSpanIds(Span span) {
        return List.of(span.traceIdHigh(), span.traceIdLow(), span.spanId());
    }

    private static void assertMessage(String expected, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
