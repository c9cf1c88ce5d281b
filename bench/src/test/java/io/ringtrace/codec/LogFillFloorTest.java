package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ringtrace.bench.jmh.NoOverflow;
import io.ringtrace.bench.logs.LogShape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The floor reference writes exactly the bytes of the real writer, or it would be no floor of that format. */
class LogFillFloorTest {

    private static final int SLOT_BYTES = 512;

    @Test
    void writesTheSameBytesAsTheWriterForTheTypicalLogRecord() {
        LogRecordStart info = LogRecordStart.of(LogLimits.defaults(), InstrumentationScope.of(LogShape.LOGGER), 9,
                Utf8Constant.of("INFO"));
        Utf8Constant order = Utf8Constant.of(LogShape.KEY_ORDER);
        Utf8Constant tier = Utf8Constant.of(LogShape.KEY_TIER);
        long now = 1_700_000_000_123_456_789L;
        byte[] expected = new byte[2 * SLOT_BYTES];
        byte[] actual = new byte[2 * SLOT_BYTES];
        Arrays.fill(actual, (byte) 0x5A); // a slot's earlier contents: the floor must overwrite them as the start does
        LogRecordWriter record = new LogRecordWriter(LogLimits.defaults(), expected, SLOT_BYTES, SLOT_BYTES,
                NoOverflow.INSTANCE);
        record.start(info, now).body(LogShape.BODY).attribute(order, LogShape.ORDER).attribute(tier, LogShape.TIER);

        int used = LogFillFloor.fill(actual, SLOT_BYTES, SLOT_BYTES, info, now, LogShape.BODY,
                order, LogShape.ORDER, tier, LogShape.TIER);

        assertEquals(record.usedBytes(), used, "the record's length");
        assertArrayEquals(Arrays.copyOfRange(expected, SLOT_BYTES, SLOT_BYTES + used),
                Arrays.copyOfRange(actual, SLOT_BYTES, SLOT_BYTES + used), "the record's bytes");
    }
}
