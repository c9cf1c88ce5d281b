package io.ringtrace.log4j2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.LogEngine;
import io.ringtrace.engine.Span;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A record logged through a synchronous logger inside a ringtrace span carries that span's trace
 * id, span id and flags; the same logger outside any span, or before the appender is told the
 * engine, leaves them empty; an appender given a log engine built with the span engine correlates
 * through the engine.
 */
class SpanCorrelationTest {

    private static final Utf8Constant HANDLE = Utf8Constant.of("handle order");

    private final EncodingSink sink = new EncodingSink(LogLimits.defaults());
    private final TraceEngine traces = TraceEngine.builder().exporter(new InMemorySpanExporter()).build();
    private LoggerContext context;

    @AfterEach
    void stop() {
        if (context != null) {
            context.stop(10, TimeUnit.SECONDS);
        }
        sink.close(0);
        traces.close();
    }

    @Test
    void aRecordLoggedInsideASpanCarriesItsIds() throws Exception {
        RingtraceAppender appender = new RingtraceAppender("correlated", null, true, sink,
                new LogEventMapper(LogLimits.defaults(), false, 0, 16, 16), 1000);
        appender.start();
        context = TestLoggers.start("correlation", false, appender);
        Logger logger = context.getLogger("correlation");

        Span before = traces.tracer(InstrumentationScope.of("t")).start(HANDLE);
        logger.info("not told the engine yet");
        before.end();
        appender.traceEngine(traces);
        Span span = traces.tracer(InstrumentationScope.of("t")).start(HANDLE);
        logger.info("inside");
        ByteBuffer traceId = ByteBuffer.allocate(16).putLong(span.traceIdHigh()).putLong(span.traceIdLow()).flip();
        ByteBuffer spanId = ByteBuffer.allocate(8).putLong(span.spanId()).flip();
        span.end(); // the flyweight is reused from here on: its ids were read above
        logger.info("outside");

        List<LogRecord> records = ExportLogsServiceRequest.parseFrom(sink.takeRequest())
                .getResourceLogs(0).getScopeLogs(0).getLogRecordsList();
        assertEquals(3, records.size());
        assertTrue(records.get(0).getTraceId().isEmpty() && records.get(0).getSpanId().isEmpty());
        LogRecord inside = records.get(1);
        assertEquals("inside", inside.getBody().getStringValue());
        assertEquals(traceId, inside.getTraceId().asReadOnlyByteBuffer());
        assertEquals(spanId, inside.getSpanId().asReadOnlyByteBuffer());
        assertEquals(1, inside.getFlags(), "sampled");
        assertTrue(records.get(2).getTraceId().isEmpty() && records.get(2).getSpanId().isEmpty() && records.get(2).getFlags() == 0);
    }

    @Test
    void aGivenLogEngineBuiltWithTheSpanEngineCorrelatesByItself() {
        InMemorySpanExporter logExporter = new InMemorySpanExporter();
        try (LogEngine logs = LogEngine.builder().exporter(logExporter).traceEngine(traces).build()) {
            RingtraceAppender appender = RingtraceAppender.newBuilder().setName("given").setLogEngine(logs).build();
            appender.start();
            Span span = traces.tracer(InstrumentationScope.of("t")).start(HANDLE);
            ByteBuffer spanId = ByteBuffer.allocate(8).putLong(span.spanId()).flip();
            appender.append(Log4jLogEvent.newBuilder().setLoggerName("given").setLevel(Level.WARN)
                    .setMessage(new SimpleMessage("inside")).build());
            span.end();
            assertTrue(logs.flush(Duration.ofSeconds(10)));
            LogRecord inside = logExporter.decodedLogRecords().get(0);
            assertEquals(spanId, inside.getSpanId().asReadOnlyByteBuffer());
            assertEquals(1, inside.getFlags());
            appender.stop(1, TimeUnit.SECONDS);
        }
    }
}
