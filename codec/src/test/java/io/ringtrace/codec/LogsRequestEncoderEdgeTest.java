package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Log records at their edges: empty record and empty body, every limit, a body over its budget, a
 * record outgrowing its slot with and without an overflow buffer, bad input at the API edge,
 * corrupted headers, request bounds. Each accepted record is compared byte for byte with
 * protobuf-java; each refused one leaves the request around it exact.
 */
class LogsRequestEncoderEdgeTest extends CodecTestBase {

    private static final Utf8Constant KEY = Utf8Constant.of("k");
    private static final Utf8Constant OTHER = Utf8Constant.of("other");

    private final OracleRequest envelope = new OracleRequest("edge", 1, "");
    private final OracleRequest.Scope scope = envelope.register(new OracleRequest.Scope("edge.lib", "1", "", null, null));
    private final LogsRequestEncoder encoder = new LogsRequestEncoder(envelope.resource, 4096);

    /** Encodes {@code records} (null: a refused record between them) and checks the request against {@code expected}. */
    private void assertRequest(List<LogRecordWriter> records, List<LogRecord> expected) throws Exception {
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        encoder.begin(buffer);
        for (LogRecordWriter r : records) {
            assertEquals(LogsRequestEncoder.APPENDED, encoder.tryAppend(r));
        }
        Map<OracleRequest.Scope, List<LogRecord>> byScope = new LinkedHashMap<>();
        if (!expected.isEmpty()) {
            byScope.put(scope, expected);
        }
        ExportLogsServiceRequest want = LogsRequestEncoderRandomizedTest.build(envelope, byScope);
        assertArrayEquals(want.toByteArray(), readable(encoder.seal()));
    }

    private LogRecordWriter record(LogLimits limits) {
        return new LogRecordWriter(limits).scope(scope.scope);
    }

    @Test
    void anEmptyRecordAndAnEmptyBodyAreEncodedAsProtobufJavaDoes() throws Exception {
        LogRecordWriter empty = record(LogLimits.defaults());
        LogRecordWriter emptyBody = record(LogLimits.defaults()).body("");
        LogRecordWriter emptyArray = record(LogLimits.defaults()).body(new long[0]).eventName("").severityText("");
        assertRequest(List.of(empty, emptyBody, emptyArray), List.of(LogRecord.getDefaultInstance(),
                LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("")).build(),
                LogRecord.newBuilder().setBody(AnyValue.newBuilder().setArrayValue(
                        io.opentelemetry.proto.common.v1.ArrayValue.getDefaultInstance())).build()));
    }

    @Test
    void everyFieldAtItsExtremes() throws Exception {
        LogRecordWriter r = record(LogLimits.defaults()).timestamp(Long.MAX_VALUE).observedTimestamp(1)
                .severityNumber(24).severityText(Utf8Constant.of("FATAL4")).eventName("app.crash")
                .traceId(-1, -1).spanId(-1).traceFlags(0xFF).body(Double.longBitsToDouble(0x7ff0000000000001L))
                .attribute(KEY, Long.MIN_VALUE);
        LogRecord want = LogRecord.newBuilder().setTimeUnixNano(Long.MAX_VALUE).setObservedTimeUnixNano(1)
                .setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_FATAL4).setSeverityText("FATAL4").setEventName("app.crash")
                .setTraceId(OracleSpan.id(-1, -1)).setSpanId(OracleSpan.id(-1)).setFlags(0xFF)
                .setBody(AnyValue.newBuilder().setDoubleValue(Double.longBitsToDouble(0x7ff0000000000001L)))
                .addAttributes(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setIntValue(Long.MIN_VALUE)))
                .build();
        // a trace id without a span id, and a span id without a trace id: each sent alone
        LogRecordWriter traceOnly = record(LogLimits.defaults()).traceId(0, 7);
        LogRecordWriter spanOnly = record(LogLimits.defaults()).spanId(9);
        assertRequest(List.of(r, traceOnly, spanOnly), List.of(want,
                LogRecord.newBuilder().setTraceId(OracleSpan.id(0, 7)).build(),
                LogRecord.newBuilder().setSpanId(OracleSpan.id(9)).build()));
    }

    @Test
    void aBodySetAgainReplacesItAndAKeySetAgainReplacesItsValue() throws Exception {
        LogRecordWriter r = record(LogLimits.defaults()).attribute(KEY, "first").body("first body")
                .attribute(OTHER, 1L).body(new byte[] {1, 2, 3}).attribute(KEY, true).severityText("WARN");
        LogRecord want = LogRecord.newBuilder().setSeverityText("WARN")
                .setBody(AnyValue.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {1, 2, 3})))
                .addAttributes(KeyValue.newBuilder().setKey("other").setValue(AnyValue.newBuilder().setIntValue(1)))
                .addAttributes(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setBoolValue(true)))
                .build();
        assertEquals(2, r.attributeCount());
        assertRequest(List.of(r), List.of(want));
    }

    @Test
    void attributesOverTheirLimitsAreDroppedAndCountedTextsTruncated() throws Exception {
        LogRecordWriter r = record(LogLimits.of(2, 1000, 5, 100)).attribute(KEY, 1L).attribute(OTHER, 2L)
                .attribute(Utf8Constant.of("third"), 3L).severityText("ERROR!").eventName("e");
        assertEquals(1, r.droppedAttributesCount());
        // "k" = "0123456789" takes 19 bytes, "other" = "x" 14: the second passes the 20-byte budget
        LogRecordWriter bytes = record(LogLimits.of(10, 20, 0, 100)).attribute(KEY, "0123456789")
                .attribute(OTHER, "x").eventName("dropped: no text budget");
        LogRecord first = LogRecord.newBuilder().setSeverityText("ERROR")
                .addAttributes(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setIntValue(1)))
                .addAttributes(KeyValue.newBuilder().setKey("other").setValue(AnyValue.newBuilder().setIntValue(2)))
                .setDroppedAttributesCount(1).build();
        LogRecord second = LogRecord.newBuilder()
                .addAttributes(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setStringValue("0123456789")))
                .setDroppedAttributesCount(1).build();
        assertRequest(List.of(r, bytes), List.of(first, second));
    }

    @Test
    void aBodyOverItsBudgetMarksTheRecordTooLargeAndItIsRefused() throws Exception {
        LogRecordWriter r = record(LogLimits.of(4, 100, 10, 10)).body("a body of more than ten bytes");
        assertTrue(r.tooLarge());
        assertTrue(LogSlot.tooLarge(r.area(), r.base()));
        LogRecordWriter fits = record(LogLimits.of(4, 100, 10, 10)).body("12345678"); // 2 + 2 + 8 = 12 > 10
        assertTrue(fits.tooLarge());
        LogRecordWriter exact = record(LogLimits.of(4, 100, 10, 10)).body("123456"); // 2 + 2 + 6 = 10
        assertFalse(exact.tooLarge());
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        encoder.begin(buffer);
        assertEquals(LogsRequestEncoder.INVALID, encoder.tryAppend(r));
        assertEquals(LogsRequestEncoder.APPENDED, encoder.tryAppend(exact));
        assertEquals(1, encoder.recordCount());
        ExportLogsServiceRequest want = LogsRequestEncoderRandomizedTest.build(envelope, Map.of(scope, List.of(
                LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue("123456")).build())));
        assertArrayEquals(want.toByteArray(), readable(encoder.seal()));
    }

    @Test
    void aRecordOutgrowingItsSlotMovesIntoAnOverflowBufferOrIsTooLarge() throws Exception {
        LogLimits limits = LogLimits.defaults();
        byte[] area = new byte[3 * 256];
        java.util.Arrays.fill(area, (byte) 0x5A);
        LogsRequestEncoderRandomizedTest.LogOverflow one = new LogsRequestEncoderRandomizedTest.LogOverflow(1, limits);
        LogRecordWriter slot = new LogRecordWriter(limits, area, 256, 256, one).scope(scope.scope);
        String big = "x".repeat(400);
        slot.severityNumber(9).attribute(KEY, "v").body(big).attribute(OTHER, 2.5);
        assertEquals(1, one.claims);
        assertEquals(0, LogSlot.overflowIndex(area, 256));
        for (int i = 0; i < 256; i++) { // the neighbours are untouched
            assertEquals((byte) 0x5A, area[i]);
            assertEquals((byte) 0x5A, area[512 + i]);
        }
        LogRecord want = LogRecord.newBuilder().setSeverityNumber(SeverityNumber.SEVERITY_NUMBER_INFO)
                .setBody(AnyValue.newBuilder().setStringValue(big))
                .addAttributes(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setStringValue("v")))
                .addAttributes(KeyValue.newBuilder().setKey("other").setValue(AnyValue.newBuilder().setDoubleValue(2.5)))
                .build();
        assertRequest(List.of(slot), List.of(want));

        LogRecordWriter noBuffer = new LogRecordWriter(limits, area, 0, 256, new LogsRequestEncoderRandomizedTest.LogOverflow(0, limits));
        noBuffer.body(big);
        assertTrue(noBuffer.tooLarge());
        LogRecordWriter copied = new LogRecordWriter(limits, area, 512, 256, new LogsRequestEncoderRandomizedTest.LogOverflow(0, limits));
        copied.copyFrom(record(limits).body(big));
        assertTrue(copied.tooLarge());
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        encoder.begin(buffer);
        assertEquals(LogsRequestEncoder.INVALID, encoder.tryAppend(noBuffer));
        assertEquals(LogsRequestEncoder.INVALID, encoder.tryAppend(copied));
        assertEquals(0, readable(encoder.seal()).length);
        assertFalse(noBuffer.reset().tooLarge()); // reset makes the slot usable again
    }

    @Test
    void aFirstBodyOutgrowingItsSlotMovesIntoAnOverflowBufferWithWhatFollows() throws Exception {
        LogLimits limits = LogLimits.defaults();
        LogsRequestEncoderRandomizedTest.LogOverflow one = new LogsRequestEncoderRandomizedTest.LogOverflow(1, limits);
        LogRecordWriter slot = new LogRecordWriter(limits, new byte[256], 0, 256, one).scope(scope.scope);
        String big = "b".repeat(300); // the string body's short append does not fit the slot: the write path moves it
        slot.body(big).attribute(KEY, "v");
        assertEquals(1, one.claims);
        LogRecord want = LogRecord.newBuilder().setBody(AnyValue.newBuilder().setStringValue(big))
                .addAttributes(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setStringValue("v")))
                .build();
        assertRequest(List.of(slot), List.of(want));
    }

    @Test
    void badInputGetsIllegalArgumentExceptionAtTheEdgeAndTheRecordIsRefused() throws Exception {
        LogRecordWriter r = record(LogLimits.defaults());
        List<Runnable> calls = new ArrayList<>();
        calls.add(() -> r.severityNumber(0));
        calls.add(() -> r.severityNumber(25));
        calls.add(() -> r.traceFlags(0x100));
        calls.add(() -> r.timestamp(-1));
        calls.add(() -> r.observedTimestamp(Long.MIN_VALUE));
        calls.add(() -> r.body((CharSequence) null));
        calls.add(() -> r.body((long[]) null));
        calls.add(() -> r.body(new byte[2], 1, 2));
        calls.add(() -> r.body(new long[2], 3));
        calls.add(() -> r.body(new CharSequence[] {"a", null}));
        calls.add(() -> r.severityText((CharSequence) null));
        calls.add(() -> r.eventName((Utf8Constant) null));
        calls.add(() -> r.attribute(null, 1L));
        calls.add(() -> r.attribute(KEY, (CharSequence) null));
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        encoder.begin(buffer);
        for (Runnable call : calls) {
            r.reset().body("kept?");
            assertThrows(IllegalArgumentException.class, call::run);
            assertTrue(r.fillFailed());
            assertEquals(LogsRequestEncoder.INVALID, encoder.tryAppend(r));
        }
        assertEquals(0, readable(encoder.seal()).length);
        assertThrows(IllegalArgumentException.class, () -> new LogRecordWriter(null));
        assertThrows(IllegalArgumentException.class, () -> new LogRecordWriter(LogLimits.defaults(), new byte[512], 0, 512, null));
        assertThrows(IllegalArgumentException.class, () -> LogLimits.of(4097, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LogLimits.of(1, -1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> LogLimits.of(1, 8 << 20, 8 << 20, 1));
        assertThrows(IllegalStateException.class, () -> encoder.tryAppend(r));
    }

    @Test
    void corruptedHeadersAndClearedSlotsAreRefusedAndTheRequestStaysExact() throws Exception {
        LogRecordWriter good = record(LogLimits.defaults()).severityText("INFO").body("ok").attribute(KEY, 1L);
        LogRecord want = LogRecord.newBuilder().setSeverityText("INFO").setBody(AnyValue.newBuilder().setStringValue("ok"))
                .addAttributes(KeyValue.newBuilder().setKey("k").setValue(AnyValue.newBuilder().setIntValue(1))).build();
        int[][] corruptions = {
            {LogSlot.TEXT_END, LogSlot.HEADER_BYTES - 1}, {LogSlot.BODY_END, LogSlot.HEADER_BYTES}, // out of order
            {LogSlot.ATTRIBUTE_END, 1 << 20}, {LogSlot.SEVERITY_TEXT_OFFSET, 3}, {LogSlot.SEVERITY_TEXT_LENGTH, 1 << 20},
            {LogSlot.EVENT_NAME_OFFSET, -8}, {LogSlot.EVENT_NAME_LENGTH, -1}, {LogSlot.DROPPED_ATTRIBUTES, -1},
            {LogSlot.FLAGS, 0x100},
        };
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        encoder.begin(buffer);
        for (int[] c : corruptions) {
            LogRecordWriter bad = record(LogLimits.defaults()).copyFrom(good);
            if (c[0] == LogSlot.EVENT_NAME_LENGTH || c[0] == LogSlot.EVENT_NAME_OFFSET) { // an empty text is not read
                SpanSlot.putInt(bad.area(), bad.base() + LogSlot.EVENT_NAME_OFFSET, LogSlot.HEADER_BYTES);
                SpanSlot.putInt(bad.area(), bad.base() + LogSlot.EVENT_NAME_LENGTH, 2);
            }
            SpanSlot.putInt(bad.area(), bad.base() + c[0], c[1]);
            assertEquals(LogsRequestEncoder.INVALID, encoder.tryAppend(bad), "corrupted field at " + c[0]);
            assertEquals(LogsRequestEncoder.APPENDED, encoder.tryAppend(good));
        }
        LogRecordWriter severity = record(LogLimits.defaults());
        severity.area()[severity.base() + LogSlot.SEVERITY] = 25;
        assertEquals(LogsRequestEncoder.INVALID, encoder.tryAppend(severity));
        LogRecordWriter cleared = record(LogLimits.defaults()).copyFrom(good);
        LogSlot.clear(cleared.area(), cleared.base());
        assertEquals(LogsRequestEncoder.INVALID, encoder.tryAppend(cleared));
        assertEquals(LogsRequestEncoder.INVALID, encoder.tryAppend(good.area(), good.base(), good.base() + 50, scope.scope));
        List<LogRecord> expected = new ArrayList<>();
        for (int i = 0; i < corruptions.length; i++) {
            expected.add(want);
        }
        ExportLogsServiceRequest request = LogsRequestEncoderRandomizedTest.build(envelope, Map.of(scope, expected));
        assertArrayEquals(request.toByteArray(), readable(encoder.seal()));
    }

    @Test
    void requestBoundsFullAndScopes() throws Exception {
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        encoder.begin(buffer);
        LogRecordWriter big = record(LogLimits.of(1, 100, 10, 8000)).body("y".repeat(5000));
        assertEquals(LogsRequestEncoder.FULL, encoder.tryAppend(big)); // larger than a request of 4096 bytes
        LogRecordWriter r = record(LogLimits.defaults()).body("z".repeat(100));
        int appended = 0;
        while (encoder.tryAppend(r) == LogsRequestEncoder.APPENDED) {
            appended++;
        }
        assertTrue(encoder.requestSize() <= 4096 && appended > 30, appended + " records, " + encoder.requestSize() + " bytes");
        byte[] full = readable(encoder.seal());
        assertEquals(appended, ExportLogsServiceRequest.parseFrom(full).getResourceLogs(0).getScopeLogs(0).getLogRecordsCount());

        encoder.begin(buffer);
        LogRecordWriter small = new LogRecordWriter(LogLimits.defaults());
        for (int s = 0; s < LogsRequestEncoder.MAX_SCOPES_PER_REQUEST; s++) {
            small.scope(InstrumentationScope.of("s" + s));
            assertEquals(LogsRequestEncoder.APPENDED, encoder.tryAppend(small));
        }
        small.scope(InstrumentationScope.of("one too many"));
        assertEquals(LogsRequestEncoder.FULL, encoder.tryAppend(small));
        ExportLogsServiceRequest parsed = ExportLogsServiceRequest.parseFrom(readable(encoder.seal()));
        assertEquals(LogsRequestEncoder.MAX_SCOPES_PER_REQUEST, parsed.getResourceLogs(0).getScopeLogsCount());
        assertEquals("s63", parsed.getResourceLogs(0).getScopeLogs(63).getScope().getName());
    }
}
