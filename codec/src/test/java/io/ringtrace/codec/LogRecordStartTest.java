package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A record begun from a prepared start ({@link LogRecordWriter#start}) is byte for byte the record
 * the setters write, whatever the slot held before; the body written on its short path (empty body,
 * nothing behind it) is byte for byte the one the general path writes.
 */
class LogRecordStartTest {

    private static final InstrumentationScope SCOPE = InstrumentationScope.of("com.example.orders");
    private static final Utf8Constant KEY = Utf8Constant.of("order.id");
    private static final Utf8Constant TIER = Utf8Constant.of("customer.tier");
    private static final int SLOT = 512;

    /** The bytes a record uses. */
    private static byte[] used(LogRecordWriter r) {
        return Arrays.copyOfRange(r.area(), r.base(), r.base() + r.usedBytes());
    }

    /** A record over slot 1 of a two-slot area, with overflow buffers. */
    private static LogRecordWriter slot(LogLimits limits, TestOverflow overflow) {
        return new LogRecordWriter(limits, new byte[2 * SLOT], SLOT, SLOT, overflow);
    }

    @Test
    void aStartedRecordIsTheRecordTheSettersWriteWhateverTheSlotHeldBefore() {
        LogLimits limits = LogLimits.defaults();
        TestOverflow overflow = new TestOverflow(2, SpanLimits.defaults());
        LogRecordWriter started = slot(limits, overflow);
        LogRecordWriter set = slot(limits, overflow);
        Utf8Constant info = Utf8Constant.of("INFO");
        LogRecordStart start = LogRecordStart.of(limits, SCOPE, 9, info);
        for (String previous : new String[] {"", "short", "x".repeat(2000)}) { // the last one had moved into an overflow buffer
            started.reset().body(previous).attribute(KEY, 7L).eventName("e").traceId(1, 2).spanId(3).traceFlags(1);
            started.start(start, 1_700_000_000_123_456_789L).body("order accepted").attribute(KEY, "A-10427");
            set.reset().scope(SCOPE).severityNumber(9).severityText(info).timestamp(1_700_000_000_123_456_789L)
                    .observedTimestamp(1_700_000_000_123_456_789L).body("order accepted").attribute(KEY, "A-10427");
            assertArrayEquals(used(set), used(started), "after a record of body " + previous.length());
            assertSame(SCOPE, started.scope());
            assertEquals(started.timestamp(), started.observedTimestamp(), "one reading for both times");
            assertEquals(0, started.traceIdHigh() | started.traceIdLow() | started.spanId() | started.traceFlags());
        }
    }

    @Test
    void aStartWithoutSeverityOrScopeAndOneWhoseTextPassesTheBudget() {
        LogLimits limits = LogLimits.of(16, 1024, 3, 256);
        LogRecordWriter started = new LogRecordWriter(limits).start(LogRecordStart.of(limits, null, 0, null), 5);
        LogRecordWriter set = new LogRecordWriter(limits).timestamp(5).observedTimestamp(5);
        assertArrayEquals(used(set), used(started));
        assertSame(InstrumentationScope.empty(), started.scope());
        LogRecordStart cut = LogRecordStart.of(limits, SCOPE, 13, Utf8Constant.of("WARN"));
        started.start(cut, 6);
        set.reset().scope(SCOPE).severityNumber(13).severityText(Utf8Constant.of("WARN")).timestamp(6).observedTimestamp(6);
        assertArrayEquals(used(set), used(started), "the text cut to the 3-byte budget as the setter cuts it");
    }

    @Test
    void aStartForOtherLimitsOrANegativeTimeIsRefused() {
        LogRecordWriter record = new LogRecordWriter(LogLimits.defaults());
        LogRecordStart other = LogRecordStart.of(LogLimits.of(1, 64, 8, 64), SCOPE, 9, null);
        assertThrows(IllegalArgumentException.class, () -> record.start(other, 1));
        assertTrue(record.fillFailed());
        LogRecordStart start = LogRecordStart.of(LogLimits.defaults(), SCOPE, 9, null);
        assertThrows(IllegalArgumentException.class, () -> record.start(start, -1));
        assertFalse(record.start(start, 1).fillFailed(), "a start clears the state bits as a reset does");
        assertThrows(IllegalArgumentException.class, () -> LogRecordStart.of(LogLimits.defaults(), SCOPE, 25, null));
    }

    @Test
    void theBodyOnItsShortPathIsTheBodyTheGeneralPathWrites() {
        LogLimits limits = LogLimits.of(16, 1024, 64, 40);
        TestOverflow overflow = new TestOverflow(1, SpanLimits.defaults());
        String[] bodies = {"", "order accepted", "\u00e9t\u00e9 \ud83d\ude00", "y".repeat(36), "y".repeat(37)}; // 36: the budget exactly
        for (String body : bodies) {
            // body first: an empty body region at the tail (short path); attribute first: the general path moves it
            LogRecordWriter first = slot(limits, overflow).scope(SCOPE).body(body).attribute(KEY, "A").attribute(TIER, 1L);
            LogRecordWriter after = slot(limits, overflow).scope(SCOPE).attribute(KEY, "A").attribute(TIER, 1L).body(body);
            assertArrayEquals(used(after), used(first), "body of " + body.length() + " chars");
            assertEquals(after.tooLarge(), first.tooLarge());
        }
        assertFalse(slot(limits, overflow).body("y".repeat(36)).tooLarge(), "4 bytes of framing + 36: the budget");
        assertTrue(slot(limits, overflow).body("y".repeat(37)).tooLarge(), "over the 40-byte body budget: too large, never cut");
        assertArrayEquals(used(slot(limits, overflow).attribute(KEY, "A").body(42L)),
                used(slot(limits, overflow).body(42L).attribute(KEY, "A")));

        LogLimits big = LogLimits.of(16, 1024, 64, 4096);
        LogRecordWriter grown = slot(big, overflow).body("z".repeat(1000)); // over the slot, within the budget
        assertEquals(1, overflow.claimed(), "moved into an overflow buffer");
        LogRecordWriter own = new LogRecordWriter(big).body("z".repeat(1000));
        assertArrayEquals(Arrays.copyOfRange(own.area(), 0, LogSlot.HEADER_BYTES - 20),
                Arrays.copyOfRange(grown.area(), 0, LogSlot.HEADER_BYTES - 20), "header up to the capacity field");
        assertArrayEquals(Arrays.copyOfRange(own.area(), LogSlot.HEADER_BYTES, own.usedBytes()),
                Arrays.copyOfRange(grown.area(), LogSlot.HEADER_BYTES, grown.usedBytes()));
    }
}
