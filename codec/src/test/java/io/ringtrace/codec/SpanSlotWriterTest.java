package io.ringtrace.codec;

import static io.ringtrace.codec.TraceRequestEncoderConformanceTest.assertConformant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The writer against the regions of the slot format: texts set after the attributes, events and
 * links (the text region grows and moves every region behind it), a replaced attribute key in a
 * region that is not the last, attributes of the latest event after a link was added, all in a
 * record's own array, in place in a 256-byte slot that overflows on the way, and copied into such
 * a slot: byte-exact against protobuf-java each time, and the slot's neighbours untouched.
 */
class SpanSlotWriterTest extends CodecTestBase {

    private final OracleRequest oracle = new OracleRequest("writer", 1, "");
    private final OracleRequest.Scope main = oracle.register(new OracleRequest.Scope("main", "", "", null, null));

    /** Writes the span out of field order through {@code s}. */
    private void writeOutOfOrder(OracleSpan s) {
        s.scope(main.scope).ids(7, 8, 9, 10).times(1_000, 2_000).kind(SpanKind.CLIENT);
        s.attribute("a", OracleSpan.of("first")).attribute("b", OracleSpan.of(2L));
        s.event("e1", 1_500, true).eventAttribute("ek", OracleSpan.of(true));
        s.link(1, 2, 3, 0x101, "k=v").linkAttribute("lk", OracleSpan.of(1.5));
        s.attribute("a", OracleSpan.of("replaced, longer than before")); // cut from a middle region
        s.eventAttribute("ek2", OracleSpan.of(3L)); // the latest event, with a link behind it
        s.event("e2", 1_600, false);
        s.attribute("c", OracleSpan.of(new byte[] {1, 2, 3}));
        s.name("named late", false); // the text region grows: everything behind it moves
        s.traceState("x=1,y=2");
        s.status(StatusCode.ERROR, "a status message set last");
        for (int i = 0; i < 12; i++) { // well past 256 bytes
            s.linkAttribute("more." + i, OracleSpan.of((long) i));
        }
    }

    private void assertByteExact(Function<OracleSpan, SpanRecord> target) throws Exception {
        TraceRequestEncoder encoder = new TraceRequestEncoder(oracle.resource, 1 << 16);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        OracleSpan s = new OracleSpan(new SpanRecord(SpanLimits.defaults()));
        writeOutOfOrder(s);
        SpanRecord record = target.apply(s);
        oracle.clear();
        encoder.begin(buffer);
        assertTrue(encoder.append(record));
        oracle.add(main.scope, s.build());
        assertConformant(oracle.build(), encoder.seal());
    }

    @Test
    void outOfOrderWritesInTheRecordsOwnArray() throws Exception {
        assertByteExact(s -> s.record);
    }

    @Test
    void outOfOrderWritesInPlaceInASlotThatOverflows() throws Exception {
        TestOverflow overflow = new TestOverflow(1, SpanLimits.defaults());
        byte[] area = new byte[3 * 256];
        java.util.Arrays.fill(area, (byte) 0x5A);
        SpanRecord slot = new SpanRecord(SpanLimits.defaults(), area, 256, 256, overflow);
        TraceRequestEncoder encoder = new TraceRequestEncoder(oracle.resource, 1 << 16);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        OracleSpan s = new OracleSpan(slot);
        writeOutOfOrder(s);
        assertEquals(1, overflow.claimed(), "the span moved into the overflow buffer");
        assertEquals(0, SpanSlot.overflowIndex(area, 256), "the slot points at it");
        assertFalse(slot.tooLarge());
        oracle.clear();
        encoder.begin(buffer);
        assertTrue(encoder.append(slot));
        oracle.add(main.scope, s.build());
        assertConformant(oracle.build(), encoder.seal());
        for (int i = 0; i < 256; i++) {
            assertEquals((byte) 0x5A, area[i], "the slot before it at " + i);
            assertEquals((byte) 0x5A, area[512 + i], "the slot after it at " + i);
        }
    }

    @Test
    void copiedIntoASlotFitOrOverflow() throws Exception {
        TestOverflow overflow = new TestOverflow(1, SpanLimits.defaults());
        SpanRecord small = new SpanRecord(SpanLimits.defaults(), new byte[4096], 1024, 4096 - 1024, overflow);
        assertByteExact(s -> small.copyFrom(s.record)); // fits the slot
        assertEquals(0, overflow.claimed());
        SpanRecord tiny = new SpanRecord(SpanLimits.defaults(), new byte[256], 0, 256, overflow);
        assertByteExact(s -> tiny.copyFrom(s.record)); // one copy into the overflow buffer
        assertEquals(1, overflow.claimed());
    }
}
