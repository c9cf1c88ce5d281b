package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.logs.v1.LogRecord;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A log engine's correlation source: the logger API and {@link LogEngine#correlate} take the ids it
 * writes; the span engine's current span comes first and the source fills in when there is none;
 * a source that throws never reaches the producer: the record goes out, the failure is counted.
 */
class TraceCorrelationTest extends LeakCheckingTestBase {

    private static final long HIGH = 0x0102030405060708L;
    private static final long LOW = 0x1112131415161718L;
    private static final long SPAN = 0x2122232425262728L;
    private static final TraceCorrelation FIXED = record -> {
        record.traceId(HIGH, LOW).spanId(SPAN).traceFlags(1);
        return true;
    };

    private final InMemorySpanExporter logExporter = new InMemorySpanExporter();

    @Test
    void theLoggerApiTakesTheSourcesIds() {
        LogEngine logs = closeAfter(LogEngine.builder().exporter(logExporter).correlation(FIXED).build());
        logs.logger(InstrumentationScope.of("t")).atInfo().body("correlated").emit();
        LogRecord record = flushedRecords(logs).get(0);
        assertEquals(ByteBuffer.allocate(16).putLong(HIGH).putLong(LOW).flip(), record.getTraceId().asReadOnlyByteBuffer());
        assertEquals(ByteBuffer.allocate(8).putLong(SPAN).flip(), record.getSpanId().asReadOnlyByteBuffer());
        assertEquals(1, record.getFlags());
    }

    @Test
    void theSpanEnginesCurrentSpanComesFirstThenTheSource() {
        TraceEngine traces = closeAfter(TraceEngine.builder().exporter(new InMemorySpanExporter()).build());
        LogEngine logs = closeAfter(LogEngine.builder().exporter(logExporter).traceEngine(traces).correlation(FIXED).build());
        Logger logger = logs.logger(InstrumentationScope.of("t"));
        Span span = traces.tracer(InstrumentationScope.of("t")).start(Utf8Constant.of("work"));
        ByteBuffer spanId = ByteBuffer.allocate(8).putLong(span.spanId()).flip();
        logger.atInfo().body("in a ringtrace span").emit();
        span.end();
        logger.atInfo().body("in none").emit();
        List<LogRecord> records = flushedRecords(logs);
        assertEquals(spanId, records.get(0).getSpanId().asReadOnlyByteBuffer());
        assertEquals(ByteBuffer.allocate(8).putLong(SPAN).flip(), records.get(1).getSpanId().asReadOnlyByteBuffer());
    }

    @Test
    void aSourceThatThrowsIsCountedAndTheRecordStillGoesOut() {
        LogEngine logs = closeAfter(LogEngine.builder().exporter(logExporter).correlation(record -> {
            throw new IllegalStateException("broken source");
        }).build());
        logs.logger(InstrumentationScope.of("t")).atInfo().body("uncorrelated").emit();
        LogRecord record = flushedRecords(logs).get(0);
        assertEquals("uncorrelated", record.getBody().getStringValue());
        assertTrue(record.getSpanId().isEmpty());
        assertEquals(1, logs.stats(new EngineStats()).ignoredSpanCalls());
    }

    @Test
    void noneAndOrElse() {
        TraceCorrelation chain = TraceCorrelation.none().orElse(FIXED);
        LogEngine logs = closeAfter(LogEngine.builder().exporter(logExporter).correlation(chain).build());
        logs.logger(InstrumentationScope.of("t")).atInfo().body("second source").emit();
        assertEquals(1, flushedRecords(logs).get(0).getFlags());
    }

    private List<LogRecord> flushedRecords(LogEngine logs) {
        assertTrue(logs.flush(Duration.ofSeconds(10)));
        return logExporter.decodedLogRecords();
    }
}
