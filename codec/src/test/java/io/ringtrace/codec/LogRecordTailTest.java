package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * A record filled through a {@link LogRecordTail} (its appends, and the record's own setters after
 * the tail closes when it declines one) is byte for byte the record its own setters write, header
 * included: for random records of every body and attribute kind, limits that cut, slots that
 * overflow, and whatever the slot held before.
 */
class LogRecordTailTest {

    private static final Utf8Constant[] KEYS = {
        Utf8Constant.of("order.id"), Utf8Constant.of("customer.tier"), Utf8Constant.of("region"),
        Utf8Constant.of("retry"), Utf8Constant.of("latency.us"), Utf8Constant.of("k")
    };
    private static final InstrumentationScope SCOPE = InstrumentationScope.of("com.example.orders");
    private static final int SLOT = 256;

    /** How often the tail took an append and how often it handed one to the record. */
    private int taken;
    private int declined;

    @Test
    void aRecordFilledThroughTheTailIsTheRecordItsOwnSettersWrite() {
        SplittableRandom random = new SplittableRandom(20261207);
        LogLimits[] limits = {LogLimits.defaults(), LogLimits.of(3, 64, 8, 64), LogLimits.of(5, 200, 16, 100)};
        for (LogLimits l : limits) {
            for (boolean smallSlot : new boolean[] {false, true}) {
                int slotBytes = smallSlot ? SLOT : LogSlot.maxRecordBytes(l);
                TestOverflow tailOverflow = new TestOverflow(4, SpanLimits.defaults());
                TestOverflow ownOverflow = new TestOverflow(4, SpanLimits.defaults());
                byte[] slots = new byte[2 * slotBytes];
                LogRecordWriter viaTail = new LogRecordWriter(l, slots, slotBytes, slotBytes, tailOverflow);
                LogRecordWriter own = new LogRecordWriter(l, new byte[2 * slotBytes], slotBytes, slotBytes, ownOverflow);
                LogRecordTail tail = new LogRecordTail(new SlotArea(slots));
                LogRecordStart start = LogRecordStart.of(l, SCOPE, 9, Utf8Constant.of("INFO"));
                for (int record = 0; record < 400; record++) {
                    tailOverflow.releaseAll();
                    ownOverflow.releaseAll();
                    long seed = random.nextLong();
                    viaTail.start(start, record, tail);
                    own.start(start, record);
                    fill(new SplittableRandom(seed), viaTail, tail);
                    fill(new SplittableRandom(seed), own, null);
                    assertFalse(tail.isOpen());
                    assertArrayEquals(used(own), used(viaTail), "record " + record + " of seed " + seed + ", " + l);
                    assertEquals(own.tooLarge(), viaTail.tooLarge());
                    assertEquals(own.fillFailed(), viaTail.fillFailed());
                }
            }
        }
        assertTrue(taken > 1000 && declined > 100, "both ways exercised: taken " + taken + ", declined " + declined);
    }

    @Test
    void aClosedTailTakesNothingAndCloseWritesOnlyOnce() {
        LogLimits limits = LogLimits.defaults();
        LogRecordWriter record = new LogRecordWriter(limits);
        LogRecordTail tail = new LogRecordTail(new SlotArea(record.area()));
        assertFalse(tail.isOpen());
        assertFalse(tail.body("b"));
        assertFalse(tail.attribute(KEYS[0], "v"));
        assertFalse(tail.attribute(KEYS[0], 1L));
        tail.close(); // nothing open: nothing written, no failure

        record.start(LogRecordStart.of(limits, SCOPE, 9, null), 1, tail);
        assertTrue(tail.isOpen());
        assertTrue(tail.body("order accepted"));
        assertFalse(tail.body("again"), "a second body is the record's to decide");
        assertTrue(tail.attribute(KEYS[0], "A-1"));
        assertFalse(tail.attribute(KEYS[0], "A-2"), "a repeated key is the record's to replace");
        tail.close();
        assertFalse(tail.isOpen());
        assertEquals(1, record.attributeCount());
        record.attribute(KEYS[1], 7L); // the record's own setters take over from the header the tail wrote
        tail.close();
        assertEquals(2, record.attributeCount(), "a second close writes nothing");
    }

    @Test
    void aRecordOutsideTheTailsSlotsDoesNotOpenItAndAReleasedAreaTakesNothing() {
        LogLimits limits = LogLimits.defaults();
        LogRecordStart start = LogRecordStart.of(limits, SCOPE, 9, null);
        LogRecordWriter elsewhere = new LogRecordWriter(limits);
        SlotArea slots = new SlotArea(new byte[LogSlot.maxRecordBytes(limits)]);
        assertThrows(IllegalArgumentException.class, () -> new LogRecordTail(null));
        LogRecordTail tail = new LogRecordTail(slots);
        elsewhere.start(start, 1, tail);
        assertFalse(tail.isOpen(), "a record in another array is the record's own");

        LogRecordWriter record = new LogRecordWriter(limits);
        SlotArea own = new SlotArea(record.area());
        LogRecordTail open = new LogRecordTail(own);
        record.start(start, 1, open);
        assertTrue(open.attribute(KEYS[0], "A-1"));
        own.release(); // its engine closed while the record was open
        assertFalse(open.attribute(KEYS[1], "B"));
        assertFalse(open.attribute(KEYS[1], 2L));
        open.close(); // no array to write into: nothing, no failure
        assertFalse(open.isOpen());
        record.attribute(KEYS[1], "B"); // the record's own setters still write, into the record's own array
        assertFalse(record.fillFailed());
    }

    /** The same random calls on {@code record}: through {@code tail} first, if there is one, as the logger API does. */
    private void fill(SplittableRandom random, LogRecordWriter record, LogRecordTail tail) {
        int calls = random.nextInt(12);
        for (int i = 0; i < calls; i++) {
            Utf8Constant key = KEYS[random.nextInt(KEYS.length)];
            switch (random.nextInt(10)) {
                case 0, 1 -> {
                    String body = text(random);
                    apply(tail, t -> t.body(body), () -> record.body(body));
                }
                case 2, 3, 4 -> {
                    String value = text(random);
                    apply(tail, t -> t.attribute(key, value), () -> record.attribute(key, value));
                }
                case 5 -> {
                    long value = random.nextLong() >> random.nextInt(64);
                    apply(tail, t -> t.attribute(key, value), () -> record.attribute(key, value));
                }
                case 6 -> {
                    double value = random.nextDouble() * 1e6;
                    apply(tail, t -> t.attribute(key, value), () -> record.attribute(key, value));
                }
                case 7 -> {
                    boolean value = random.nextBoolean();
                    apply(tail, t -> t.attribute(key, value), () -> record.attribute(key, value));
                }
                case 8 -> record.timestamp(random.nextLong(1, Long.MAX_VALUE)).traceFlags(1); // fixed fields: the tail stays open
                default -> apply(tail, t -> false, () -> record.eventName("event-" + random.nextInt(100))); // a text moves the rest
            }
        }
        if (tail != null) {
            tail.close();
        }
    }

    /** {@code append} through the tail; if it declines, the tail closed and {@code setter} on the record. */
    private void apply(LogRecordTail tail, Predicate<LogRecordTail> append, Runnable setter) {
        if (tail != null) {
            if (append.test(tail)) {
                taken++;
                return;
            }
            if (tail.isOpen()) {
                declined++;
            }
            tail.close();
        }
        try {
            setter.run();
        } catch (IllegalArgumentException refused) {
            // a null value: refused on both sides, the record marked failed
        }
    }

    /** A text: mostly short ASCII, sometimes long, non-ASCII, empty or null. */
    private static String text(SplittableRandom random) {
        return switch (random.nextInt(10)) {
            case 0 -> "x".repeat(random.nextInt(100, 400));
            case 1 -> "caf\u00e9 \u65e5\u672c";
            case 2 -> "";
            case 3 -> null;
            default -> "v" + random.nextInt(1_000_000);
        };
    }

    private static byte[] used(LogRecordWriter r) {
        return Arrays.copyOfRange(r.area(), r.base(), r.base() + r.usedBytes());
    }
}
