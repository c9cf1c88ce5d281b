package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/** Drops counted before a span reached its record (another SDK's limits) add to the record's own. */
class SpanRecordDroppedElsewhereTest extends CodecTestBase {

    private static final Utf8Constant KEY = Utf8Constant.of("k");

    @Test
    void dropsFromElsewhereAddToTheRecordsOwnCounts() throws Exception {
        SpanLimits limits = SpanLimits.builder().maxAttributes(1).build();
        SpanRecord record = new SpanRecord(limits).scope(InstrumentationScope.of("s")).traceId(1, 2).spanId(3)
                .startEpochNanos(10).endEpochNanos(20)
                .attribute(KEY, 1L).attribute(Utf8Constant.of("over"), 2L) // one dropped by this record
                .addEvent("e", 15).addEventDroppedAttributes(4)
                .addLink(1, 2, 4, SpanFlags.of(1, false), null).addLinkDroppedAttributes(5)
                .addDropped(3, 6, 7)
                .addDropped(Integer.MAX_VALUE, 0, 0); // saturates

        Span span = encode(record);
        assertEquals(Integer.MAX_VALUE, span.getDroppedAttributesCount());
        assertEquals(6, span.getDroppedEventsCount());
        assertEquals(7, span.getDroppedLinksCount());
        assertEquals(4, span.getEvents(0).getDroppedAttributesCount());
        assertEquals(5, span.getLinks(0).getDroppedAttributesCount());
        assertEquals(1 + 3, new SpanRecord(limits).attribute(KEY, 1L).attribute(Utf8Constant.of("over"), 2L)
                .addDropped(3, 0, 0).droppedAttributesCount());
    }

    @Test
    void negativeCountsAndOutOfOrderCallsAreRefused() {
        SpanRecord record = new SpanRecord(SpanLimits.defaults());
        assertThrows(IllegalArgumentException.class, () -> record.addDropped(-1, 0, 0));
        assertTrue(record.fillFailed());
        assertThrows(IllegalStateException.class, () -> new SpanRecord(SpanLimits.defaults()).addEventDroppedAttributes(1));
        assertThrows(IllegalStateException.class, () -> new SpanRecord(SpanLimits.defaults()).addLinkDroppedAttributes(1));
    }

    private Span encode(SpanRecord record) throws Exception {
        TraceRequestEncoder encoder = new TraceRequestEncoder(Resource.empty(), 1 << 16);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        encoder.begin(buffer);
        assertTrue(encoder.append(record));
        return ExportTraceServiceRequest.parseFrom(readable(encoder.seal())).getResourceSpans(0).getScopeSpans(0).getSpans(0);
    }
}
