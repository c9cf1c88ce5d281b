package io.ringtrace.log4j2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import io.opentelemetry.proto.resource.v1.Resource;
import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.codec.LogsRequestEncoder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import net.openhft.chronicle.bytes.Bytes;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.time.MutableInstant;
import org.apache.logging.log4j.message.ObjectMessage;
import org.apache.logging.log4j.message.ReusableParameterizedMessage;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.logging.log4j.util.SortedArrayStringMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The mapping of a {@link LogEvent} into a log record, checked byte for byte: the record is encoded
 * by the codec's {@link LogsRequestEncoder} and compared with protobuf-java's serialization of the
 * request the OTLP classes say it must be, field by field (time with nanoseconds, observed time,
 * severity number and text, body, context map with typed values, thread, exception attributes,
 * scope per logger name); then parsed with the official classes.
 */
class LogEventMapperTest {

    private static final long OBSERVED = 1_780_000_000_123_456_789L;
    private static final io.ringtrace.codec.Resource RESOURCE =
            io.ringtrace.codec.Resource.builder().attribute("service.name", "mapper-test").build();

    private final List<Bytes<?>> buffers = new ArrayList<>();

    @AfterEach
    void release() {
        buffers.forEach(Bytes::releaseLast);
    }

    private static MutableInstant instant(long epochSecond, int nanos) {
        MutableInstant i = new MutableInstant();
        i.initFromEpochSecond(epochSecond, nanos);
        return i;
    }

    /** Maps each event into its own record and encodes them, in order, into one request. */
    private byte[] encode(LogEventMapper mapper, LogLimits limits, LogEvent... events) {
        LogsRequestEncoder encoder = new LogsRequestEncoder(RESOURCE, 1 << 20);
        Bytes<?> buffer = Bytes.allocateDirect(encoder.requiredCapacity());
        buffers.add(buffer);
        encoder.begin(buffer);
        for (LogEvent e : events) {
            LogRecordWriter record = new LogRecordWriter(limits);
            mapper.map(e, record, OBSERVED);
            assertEquals(LogsRequestEncoder.APPENDED, encoder.tryAppend(record));
        }
        Bytes<?> sealed = encoder.seal();
        byte[] out = new byte[(int) sealed.readRemaining()];
        for (int i = 0; i < out.length; i++) {
            out[i] = sealed.readByte(sealed.readPosition() + i);
        }
        return out;
    }

    private static ExportLogsServiceRequest request(ScopeLogs... scopes) {
        ResourceLogs.Builder rl = ResourceLogs.newBuilder().setResource(Resource.newBuilder()
                .addAttributes(string("service.name", "mapper-test")));
        for (ScopeLogs s : scopes) {
            rl.addScopeLogs(s);
        }
        return ExportLogsServiceRequest.newBuilder().addResourceLogs(rl).build();
    }

    private static ScopeLogs scope(String name, LogRecord... records) {
        ScopeLogs.Builder b = ScopeLogs.newBuilder();
        if (!name.isEmpty()) {
            b.setScope(InstrumentationScope.newBuilder().setName(name));
        } else {
            b.setScope(InstrumentationScope.getDefaultInstance());
        }
        for (LogRecord r : records) {
            b.addLogRecords(r);
        }
        return b.build();
    }

    private static KeyValue string(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private static KeyValue integer(String key, long value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setIntValue(value)).build();
    }

    private static AnyValue body(String s) {
        return AnyValue.newBuilder().setStringValue(s).build();
    }

    @Test
    void everyFieldOfAFullEventIsEncodedAsProtobufJavaWouldWriteIt() throws Exception {
        IllegalStateException thrown = new IllegalStateException("order book crossed",
                new java.io.IOException("feed gap"));
        SortedArrayStringMap context = new SortedArrayStringMap();
        context.putValue("order.id", "A-17");
        context.putValue("qty", 250L);
        context.putValue("price", 101.25d);
        context.putValue("urgent", Boolean.TRUE);
        context.putValue("venue", new StringBuilder("XNAS"));
        ReusableParameterizedMessage message = new ReusableParameterizedMessage();
        message.set("filled {} of {} at {}", "A-17", 250, 101.25);
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("com.example.Orders").setLevel(Level.ERROR)
                .setMessage(message).setInstant(instant(1_780_000_000L, 987_654_321)).setContextData(context)
                .setThreadName("matcher-1").setThreadId(42).setThrown(thrown).build();
        LogEventMapper mapper = new LogEventMapper(LogLimits.of(128, 1 << 16, 512, 4096), true, 1 << 14, 16, 16);

        byte[] encoded = encode(mapper, LogLimits.of(128, 1 << 16, 512, 4096), event);

        StringWriter trace = new StringWriter();
        thrown.printStackTrace(new PrintWriter(trace));
        LogRecord want = LogRecord.newBuilder()
                .setTimeUnixNano(1_780_000_000_987_654_321L)
                .setObservedTimeUnixNano(OBSERVED)
                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_ERROR)
                .setSeverityText("ERROR")
                .setBody(body("filled A-17 of 250 at 101.25"))
                // SortedArrayStringMap iterates its keys in order
                .addAttributes(string("order.id", "A-17"))
                .addAttributes(KeyValue.newBuilder().setKey("price").setValue(AnyValue.newBuilder().setDoubleValue(101.25)))
                .addAttributes(integer("qty", 250))
                .addAttributes(KeyValue.newBuilder().setKey("urgent").setValue(AnyValue.newBuilder().setBoolValue(true)))
                .addAttributes(string("venue", "XNAS"))
                .addAttributes(string("thread.name", "matcher-1"))
                .addAttributes(integer("thread.id", 42))
                .addAttributes(string("exception.type", "java.lang.IllegalStateException"))
                .addAttributes(string("exception.message", "order book crossed"))
                .addAttributes(string("exception.stacktrace", trace.toString()))
                .build();
        ExportLogsServiceRequest expected = request(scope("com.example.Orders", want));
        assertArrayEquals(expected.toByteArray(), encoded);
        LogRecord parsed = ExportLogsServiceRequest.parseFrom(encoded).getResourceLogs(0).getScopeLogs(0).getLogRecords(0);
        assertTrue(parsed.getAttributesList().get(9).getValue().getStringValue().contains("Caused by: java.io.IOException: feed gap"));
    }

    @Test
    void customLevelsLongBodiesAndCutStackTracesKeepTheirBounds() throws Exception {
        Level notice = Level.forName("NOTICE", 350);
        LogLimits limits = LogLimits.of(128, 4096, 512, 64);
        LogEventMapper mapper = new LogEventMapper(limits, false, 100, 16, 16);
        String line = "é".repeat(40); // 80 UTF-8 bytes: over the 64-byte body budget
        RuntimeException noMessage = new RuntimeException();
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("com.example.Audit").setLevel(notice)
                .setMessage(new SimpleMessage(line)).setInstant(instant(1_780_000_001L, 5)).setThrown(noMessage).build();

        byte[] encoded = encode(mapper, limits, event);

        int maxBody = Utf8Cut.maxStringBody(64);
        String cut = line.substring(0, maxBody / 2); // two bytes a character, cut at a boundary
        StringWriter trace = new StringWriter();
        noMessage.printStackTrace(new PrintWriter(trace));
        String cutTrace = trace.toString().substring(0, 100); // ASCII: 100 bytes
        LogRecord want = LogRecord.newBuilder()
                .setTimeUnixNano(1_780_000_001_000_000_005L)
                .setObservedTimeUnixNano(OBSERVED)
                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO3)
                .setSeverityText("NOTICE")
                .setBody(body(cut))
                .addAttributes(string("exception.type", "java.lang.RuntimeException"))
                .addAttributes(string("exception.stacktrace", cutTrace))
                .build();
        assertArrayEquals(request(scope("com.example.Audit", want)).toByteArray(), encoded);
        assertTrue(body(cut).toByteArray().length + 2 <= 64, "the body field fits its budget");
        assertEquals(60, maxBody, "64-byte budget: tag, length, AnyValue tag, length, 60 bytes");
    }

    @Test
    void recordsAreGroupedByLoggerNameAndTheRootLoggerHasTheEmptyScope() throws Exception {
        LogEventMapper mapper = new LogEventMapper(LogLimits.defaults(), false, 0, 16, 16);
        LogEvent a = Log4jLogEvent.newBuilder().setLoggerName("a").setLevel(Level.INFO)
                .setMessage(new ObjectMessage(17)).setInstant(instant(10, 0)).build();
        LogEvent root = Log4jLogEvent.newBuilder().setLoggerName("").setLevel(Level.TRACE)
                .setMessage(new SimpleMessage("")).setInstant(instant(11, 0)).build();
        LogEvent a2 = Log4jLogEvent.newBuilder().setLoggerName(new String("a".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8)).setLevel(Level.WARN).setMessage(new SimpleMessage("x")).setInstant(instant(12, 0)).build();

        byte[] encoded = encode(mapper, LogLimits.defaults(), a, root, a2);

        LogRecord ra = LogRecord.newBuilder().setTimeUnixNano(10_000_000_000L).setObservedTimeUnixNano(OBSERVED)
                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO).setSeverityText("INFO").setBody(body("17")).build();
        LogRecord rroot = LogRecord.newBuilder().setTimeUnixNano(11_000_000_000L).setObservedTimeUnixNano(OBSERVED)
                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_TRACE).setSeverityText("TRACE").setBody(body("")).build();
        LogRecord ra2 = LogRecord.newBuilder().setTimeUnixNano(12_000_000_000L).setObservedTimeUnixNano(OBSERVED)
                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_WARN).setSeverityText("WARN").setBody(body("x")).build();
        assertArrayEquals(request(scope("a", ra, ra2), scope("", rroot)).toByteArray(), encoded);
    }

    @Test
    void loggersPastTheScopeBoundShareTheOverflowScopeAndAreCounted() throws Exception {
        LogEventMapper mapper = new LogEventMapper(LogLimits.defaults(), false, 0, 1, 16);
        LogEvent first = Log4jLogEvent.newBuilder().setLoggerName("first").setLevel(Level.INFO)
                .setMessage(new SimpleMessage("1")).setInstant(instant(1, 0)).build();
        LogEvent second = Log4jLogEvent.newBuilder().setLoggerName("second").setLevel(Level.INFO)
                .setMessage(new SimpleMessage("2")).setInstant(instant(2, 0)).build();

        ExportLogsServiceRequest parsed = ExportLogsServiceRequest.parseFrom(
                encode(mapper, LogLimits.defaults(), first, second));

        List<ScopeLogs> scopes = parsed.getResourceLogs(0).getScopeLogsList();
        assertEquals("first", scopes.get(0).getScope().getName());
        assertEquals(ScopeCache.OVERFLOW_SCOPE_NAME, scopes.get(1).getScope().getName());
        assertEquals(ByteString.copyFromUtf8("2"), scopes.get(1).getLogRecords(0).getBody().getStringValueBytes());
        assertEquals(1, mapper.scopeOverflows());
    }

    @Test
    void openTelemetryTraceContextKeysBecomeTheRecordsIdsAndBadOnesStayAttributes() throws Exception {
        LogEventMapper mapper = new LogEventMapper(LogLimits.defaults(), false, 0, 16, 16);
        SortedArrayStringMap good = new SortedArrayStringMap();
        good.putValue("span_id", "00f067aa0ba902b7");
        good.putValue("trace_flags", "01");
        good.putValue("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
        SortedArrayStringMap bad = new SortedArrayStringMap();
        bad.putValue("span_id", "not-a-span-id!!!");
        bad.putValue("trace_id", "00000000000000000000000000000000");
        LogEvent inSpan = Log4jLogEvent.newBuilder().setLoggerName("c").setLevel(Level.INFO)
                .setMessage(new SimpleMessage("in")).setInstant(instant(1, 0)).setContextData(good).build();
        LogEvent invalid = Log4jLogEvent.newBuilder().setLoggerName("c").setLevel(Level.INFO)
                .setMessage(new SimpleMessage("bad")).setInstant(instant(2, 0)).setContextData(bad).build();

        byte[] encoded = encode(mapper, LogLimits.defaults(), inSpan, invalid);

        LogRecord in = LogRecord.newBuilder().setTimeUnixNano(1_000_000_000L).setObservedTimeUnixNano(OBSERVED)
                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO).setSeverityText("INFO").setBody(body("in"))
                .setFlags(1)
                .setTraceId(ByteString.fromHex("4bf92f3577b34da6a3ce929d0e0e4736"))
                .setSpanId(ByteString.fromHex("00f067aa0ba902b7")).build();
        LogRecord out = LogRecord.newBuilder().setTimeUnixNano(2_000_000_000L).setObservedTimeUnixNano(OBSERVED)
                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO).setSeverityText("INFO").setBody(body("bad"))
                .addAttributes(string("span_id", "not-a-span-id!!!"))
                .addAttributes(string("trace_id", "00000000000000000000000000000000")).build();
        assertArrayEquals(request(scope("c", in, out)).toByteArray(), encoded);
    }
}
