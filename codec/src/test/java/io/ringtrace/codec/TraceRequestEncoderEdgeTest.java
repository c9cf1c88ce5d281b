package io.ringtrace.codec;

import static io.ringtrace.codec.TraceRequestEncoderConformanceTest.assertConformant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The encoder's edge: a record it must refuse (inconsistent offsets from ring-API misuse, a failed
 * fill, missing ids or times) leaves the request under construction intact; the fields it fixes up
 * on the way (fallback name, end before start) and the trace states it keeps, checked against
 * protobuf-java.
 */
class TraceRequestEncoderEdgeTest extends CodecTestBase {

    private final OracleRequest oracle = new OracleRequest("edge", 1, "");
    private final OracleRequest.Scope main = oracle.register(new OracleRequest.Scope("main", "", "", null, null));
    private final OracleRequest.Scope other = oracle.register(new OracleRequest.Scope("other", "1", "", null, null));

    private static OracleSpan good(SpanRecord record, InstrumentationScope scope, long id) {
        return new OracleSpan(record).scope(scope).ids(1, id, id, 0).name("good" + id, true).times(100, 200)
                .attribute("k", OracleSpan.of(id));
    }

    /**
     * Appends a good span, then a bad one of another scope (so a refused span would also leave a
     * half-opened scope behind), then another good span: the bad one must be refused before any of
     * its bytes count, and the request must hold exactly the two good ones.
     */
    private void assertRefusedWithoutHarm(String what, Consumer<SpanRecord> corrupt) throws Exception {
        TraceRequestEncoder encoder = new TraceRequestEncoder(oracle.resource, 1 << 16);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        SpanRecord record = new SpanRecord(SpanLimits.defaults());
        oracle.clear();
        encoder.begin(buffer);
        OracleSpan first = good(record, main.scope, 1);
        assertTrue(encoder.append(record));
        oracle.add(main.scope, first.build());

        good(record, other.scope, 2).event("e", 150, true).link(1, 2, 3, 0x101, "a=b");
        corrupt.accept(record);
        long sizeBefore = encoder.requestSize();
        assertEquals(TraceRequestEncoder.INVALID, encoder.tryAppend(record), what);
        assertThrows(IllegalArgumentException.class, () -> encoder.append(record), what);
        assertEquals(1, encoder.spanCount(), what);
        assertEquals(sizeBefore, encoder.requestSize(), what);

        OracleSpan third = good(record, main.scope, 3);
        assertTrue(encoder.append(record));
        oracle.add(main.scope, third.build());
        assertConformant(oracle.build(), encoder.seal());
    }

    private static int get(SpanRecord r, int field) {
        return SpanSlot.getInt(r.area(), r.base() + field);
    }

    private static void put(SpanRecord r, int field, int value) {
        SpanSlot.putInt(r.area(), r.base() + field, value);
    }

    /** Where the first event's prefix starts: right after the span attributes. */
    private static int firstEvent(SpanRecord r) {
        return get(r, SpanSlot.ATTRIBUTE_END);
    }

    @Test
    void inconsistentOffsetsAreRefusedAndTheRequestStaysValid() throws Exception {
        assertRefusedWithoutHarm("name past the span's room", r -> {
            put(r, SpanSlot.NAME_OFFSET, r.capacity() - 4);
            put(r, SpanSlot.NAME_LENGTH, 8);
        });
        assertRefusedWithoutHarm("name at a negative offset", r -> put(r, SpanSlot.NAME_OFFSET, -16));
        assertRefusedWithoutHarm("name inside the header", r -> put(r, SpanSlot.NAME_OFFSET, 8));
        assertRefusedWithoutHarm("negative trace state length", r -> put(r, SpanSlot.TRACE_STATE_LENGTH, -3));
        assertRefusedWithoutHarm("status message into the attributes", r -> {
            put(r, SpanSlot.STATUS_MESSAGE_OFFSET, get(r, SpanSlot.TEXT_END) - 2);
            put(r, SpanSlot.STATUS_MESSAGE_LENGTH, 10);
        });
        assertRefusedWithoutHarm("text ends inside the header", r -> put(r, SpanSlot.TEXT_END, 100));
        assertRefusedWithoutHarm("attributes end before they begin",
                r -> put(r, SpanSlot.ATTRIBUTE_END, get(r, SpanSlot.TEXT_END) - 3));
        assertRefusedWithoutHarm("attributes into the links",
                r -> put(r, SpanSlot.ATTRIBUTE_END, get(r, SpanSlot.EVENT_END) + 7));
        assertRefusedWithoutHarm("an event body past the events' end",
                r -> put(r, firstEvent(r) + SpanSlot.PREFIX_BODY_LENGTH, 1 << 20));
        assertRefusedWithoutHarm("a negative event body length",
                r -> put(r, firstEvent(r) + SpanSlot.PREFIX_BODY_LENGTH, -1));
        assertRefusedWithoutHarm("an event body short of the events' end",
                r -> put(r, firstEvent(r) + SpanSlot.PREFIX_BODY_LENGTH, 2));
        assertRefusedWithoutHarm("a negative dropped count", r -> put(r, firstEvent(r) + SpanSlot.PREFIX_DROPPED, -5));
        assertRefusedWithoutHarm("more events than the region holds", r -> put(r, SpanSlot.EVENT_COUNT, 1000));
        assertRefusedWithoutHarm("a negative event count", r -> put(r, SpanSlot.EVENT_COUNT, -1));
        assertRefusedWithoutHarm("links past the span's room", r -> put(r, SpanSlot.LINK_END, r.capacity() + 100));
        assertRefusedWithoutHarm("a link body past the links' end",
                r -> put(r, get(r, SpanSlot.EVENT_END) + SpanSlot.PREFIX_BODY_LENGTH, 200));
        assertRefusedWithoutHarm("more links than the region holds", r -> put(r, SpanSlot.LINK_COUNT, 1_000_000));
        assertRefusedWithoutHarm("a negative dropped attribute count", r -> put(r, SpanSlot.DROPPED_ATTRIBUTES, -1));
        assertRefusedWithoutHarm("a kind that is not a SpanKind", r -> r.area()[r.base() + SpanSlot.KIND] = (byte) 200);
        assertRefusedWithoutHarm("a status code that is not a StatusCode",
                r -> r.area()[r.base() + SpanSlot.STATUS_CODE] = -1);
    }

    @Test
    void missingIdsOrTimesAndFailedFillsAreRefused() throws Exception {
        assertRefusedWithoutHarm("no trace id", r -> {
            SpanSlot.putLong(r.area(), r.base() + SpanSlot.TRACE_ID_HIGH, 0);
            SpanSlot.putLong(r.area(), r.base() + SpanSlot.TRACE_ID_LOW, 0);
        });
        assertRefusedWithoutHarm("no span id", r -> SpanSlot.putLong(r.area(), r.base() + SpanSlot.SPAN_ID, 0));
        assertRefusedWithoutHarm("no start time", r -> r.startEpochNanos(0));
        assertRefusedWithoutHarm("no end time", r -> r.endEpochNanos(0));
        assertRefusedWithoutHarm("a negative start time", r -> r.startEpochNanos(-1));
        assertRefusedWithoutHarm("a negative end time", r -> r.endEpochNanos(Long.MIN_VALUE));
        assertRefusedWithoutHarm("a setter threw", r -> assertThrows(IllegalArgumentException.class,
                () -> r.attribute(Utf8Constant.of("k"), (long[]) null)));
        assertRefusedWithoutHarm("eventAttribute before addEvent", r -> {
            r.reset().scope(other.scope).traceId(1, 2).spanId(2).startEpochNanos(1).endEpochNanos(2);
            assertThrows(IllegalStateException.class, () -> r.eventAttributes().attribute(Utf8Constant.of("k"), 1L));
        });
        assertRefusedWithoutHarm("a failed fill survives a copy", r -> {
            assertThrows(IllegalArgumentException.class, () -> r.name((Utf8Constant) null));
            r.copyFrom(new SpanRecord(SpanLimits.defaults()).copyFrom(r));
        });
        assertRefusedWithoutHarm("a failed fill survives a copy into a slot", r -> {
            assertThrows(IllegalArgumentException.class, () -> r.kind(9));
            SpanRecord slot = new SpanRecord(SpanLimits.defaults(), new byte[1024], 256, 512, TestOverflow.none());
            r.copyFrom(slot.copyFrom(r));
        });
    }

    @Test
    void aSpanMarkedTooLargeIsRefused() throws Exception {
        assertRefusedWithoutHarm("too large", r -> {
            SpanRecord slot = new SpanRecord(SpanLimits.defaults(), new byte[160], 0, 160, TestOverflow.none());
            slot.copyFrom(r);
            assertTrue(slot.tooLarge());
            r.copyFrom(slot);
        });
    }

    /** Encodes one span alone and checks it against the oracle; returns the parsed span. */
    private Span roundTrip(Consumer<OracleSpan> fill) throws Exception {
        TraceRequestEncoder encoder = new TraceRequestEncoder(oracle.resource, 1 << 16);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        OracleSpan s = new OracleSpan(new SpanRecord(SpanLimits.defaults())).scope(main.scope).ids(1, 2, 3, 0)
                .times(100, 200);
        fill.accept(s);
        oracle.clear();
        encoder.begin(buffer);
        assertTrue(encoder.append(s.record));
        oracle.add(main.scope, s.build());
        Bytes<?> sealed = encoder.seal();
        assertConformant(oracle.build(), sealed);
        return ExportTraceServiceRequest.parseFrom(readable(sealed)).getResourceSpans(0).getScopeSpans(0).getSpans(0);
    }

    @Test
    void anEmptyOrBlankNameIsSentAsTheSdkFallbackName() throws Exception {
        assertEquals("<unspecified span name>", roundTrip(s -> { }).getName());
        assertEquals("<unspecified span name>", roundTrip(s -> s.name("", true)).getName());
        assertEquals("<unspecified span name>", roundTrip(s -> s.name(" \t\n", false)).getName());
        assertEquals("<unspecified span name>", roundTrip(s -> s.name("\u0000 ", false)).getName());
        assertEquals(" x ", roundTrip(s -> s.name(" x ", false)).getName(), "not blank: sent as is");
        assertEquals("\u00a0", roundTrip(s -> s.name("\u00a0", false)).getName(), "what String.trim() keeps is kept");
    }

    @Test
    void anEndBeforeTheStartIsSentAsAZeroLengthSpan() throws Exception {
        Span span = roundTrip(s -> s.times(5_000, 4_000));
        assertEquals(5_000, span.getStartTimeUnixNano());
        assertEquals(5_000, span.getEndTimeUnixNano());
    }

    @Test
    void onlyValidW3cTraceStatesAreKeptAndTheyAreSentNormalized() throws Exception {
        assertEquals("rojo=00f067aa0ba902b7,congo=t61rcWkgMzE",
                roundTrip(s -> s.traceState(" rojo=00f067aa0ba902b7 ,\t,congo=t61rcWkgMzE ")).getTraceState());
        assertEquals("t@sys=v,a-b_c*d/e=x y", roundTrip(s -> s.traceState("t@sys=v,a-b_c*d/e=x y")).getTraceState());
        String[] invalid = {
            "no-equals", "Upper=1", "a=", "=v", "a=1,a=2", "1a=v", "a=v=w", "a=caf\u00e9",
            "a@=v", "@s=v", "t@Sys=v", "t@systemidtoolong=v", "a=\u0001",
        };
        for (String state : invalid) {
            Span span = roundTrip(s -> s.traceState(state).link(4, 5, 6, 0x301, state));
            assertEquals("", span.getTraceState(), state);
            assertEquals("", span.getLinks(0).getTraceState(), state);
        }
        StringBuilder members = new StringBuilder();
        for (int i = 0; i <= 32; i++) {
            members.append(i == 0 ? "" : ",").append('k').append(i).append("=v");
        }
        assertEquals("", roundTrip(s -> s.traceState(members.toString())).getTraceState(), "33 list-members");
    }
}
