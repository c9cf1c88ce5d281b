package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringtrace.bench.RingtraceShape;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.bench.jmh.NoOverflow;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The floor reference writes exactly the bytes of the real writer, or it would be no floor of that format. */
class SlotFillFloorTest {

    private static final int SLOT_BYTES = SpanSlot.DEFAULT_SLOT_BYTES;

    @Test
    void writesTheSameBytesAsTheRecordForTheTypicalSpan() {
        byte[] expected = new byte[2 * SLOT_BYTES];
        byte[] actual = new byte[2 * SLOT_BYTES];
        Arrays.fill(actual, (byte) 0x5A); // a slot's earlier contents: the floor must overwrite them as a reset does
        SpanRecord record = new SpanRecord(SpanLimits.defaults(), expected, SLOT_BYTES, SLOT_BYTES, NoOverflow.INSTANCE);
        long start = 1_700_000_000_123_456_789L;
        record.reset().scope(RingtraceShape.SCOPE)
                .traceId(0x1122334455667788L, 0x99AABBCCDDEEFF00L)
                .spanId(0x0102030405060708L)
                .traceFlags(1)
                .name(RingtraceShape.NAME)
                .kind(SpanKind.SERVER)
                .startEpochNanos(start)
                .attribute(RingtraceShape.METHOD, SpanShape.VALUE_METHOD)
                .attribute(RingtraceShape.PATH, SpanShape.VALUE_PATH)
                .attribute(RingtraceShape.STATUS, SpanShape.VALUE_STATUS)
                .attribute(RingtraceShape.CACHE_HIT, SpanShape.VALUE_CACHE_HIT)
                .endEpochNanos(start + 500);

        int used = SlotFillFloor.fill(actual, SLOT_BYTES, SLOT_BYTES, 0x1122334455667788L, 0x99AABBCCDDEEFF00L,
                0x0102030405060708L, start, start + 500, RingtraceShape.NAME,
                RingtraceShape.METHOD, SpanShape.VALUE_METHOD, RingtraceShape.PATH, SpanShape.VALUE_PATH,
                RingtraceShape.STATUS, SpanShape.VALUE_STATUS, RingtraceShape.CACHE_HIT, SpanShape.VALUE_CACHE_HIT);

        assertEquals(record.usedBytes(), used, "the span's length");
        assertArrayEquals(Arrays.copyOfRange(expected, SLOT_BYTES, SLOT_BYTES + used),
                Arrays.copyOfRange(actual, SLOT_BYTES, SLOT_BYTES + used), "the span's bytes");
    }
}
