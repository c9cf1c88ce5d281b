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

    @Test
    void inconsistentOffsetsAreRefusedAndTheRequestStaysValid() throws Exception {
        assertRefusedWithoutHarm("name past the arena's end", r -> {
            r.nameOffset = r.arena.length - 4;
            r.nameLength = 8;
        });
        assertRefusedWithoutHarm("name at a negative offset", r -> r.nameOffset = -16);
        assertRefusedWithoutHarm("negative trace state length", r -> r.traceStateLength = -3);
        assertRefusedWithoutHarm("status message into the attributes", r -> {
            r.statusMessageOffset = r.attributeBase - 2;
            r.statusMessageLength = 10;
        });
        assertRefusedWithoutHarm("attributes end before they begin", r -> r.attributeEnd = r.attributeBase - 3);
        assertRefusedWithoutHarm("attributes into the events", r -> r.attributeEnd = r.eventBase + 7);
        assertRefusedWithoutHarm("an event starting past the events' end", r -> r.table[0] = r.eventEnd + 5);
        assertRefusedWithoutHarm("more events than the table holds", r -> r.eventCount = r.linkTableBase / 2 + 1);
        assertRefusedWithoutHarm("a negative event count", r -> r.eventCount = -1);
        assertRefusedWithoutHarm("links past the arena", r -> r.linkEnd = r.arenaEnd + 100);
        assertRefusedWithoutHarm("a link starting before the links", r -> r.table[r.linkTableBase] = r.eventBase);
        assertRefusedWithoutHarm("more links than the table holds", r -> r.linkCount = 1_000_000);
        assertRefusedWithoutHarm("a kind that is not a SpanKind", r -> r.kind = 200);
        assertRefusedWithoutHarm("a status code that is not a StatusCode", r -> r.statusCode = -1);
    }

    @Test
    void missingIdsOrTimesAndFailedFillsAreRefused() throws Exception {
        assertRefusedWithoutHarm("no trace id", r -> r.traceIdHigh = r.traceIdLow = 0);
        assertRefusedWithoutHarm("no span id", r -> r.spanId = 0);
        assertRefusedWithoutHarm("no start time", r -> r.startEpochNanos(0));
        assertRefusedWithoutHarm("no end time", r -> r.endEpochNanos(0));
        assertRefusedWithoutHarm("a negative start time", r -> r.startEpochNanos(-1));
        assertRefusedWithoutHarm("a negative end time", r -> r.endEpochNanos(Long.MIN_VALUE));
        assertRefusedWithoutHarm("a setter threw", r -> assertThrows(IllegalArgumentException.class,
                () -> r.attribute(Utf8Constant.of("k"), (long[]) null)));
        assertRefusedWithoutHarm("eventAttribute before addEvent", r -> {
            r.reset().scope(other.scope).traceId(1, 2).spanId(2).startEpochNanos(1).endEpochNanos(2);
            assertThrows(IllegalStateException.class, () -> r.eventAttribute(Utf8Constant.of("k"), 1L));
        });
        assertRefusedWithoutHarm("a failed fill survives a copy", r -> {
            assertThrows(IllegalArgumentException.class, () -> r.name((Utf8Constant) null));
            r.copyFrom(new SpanRecord(SpanLimits.defaults()).copyFrom(r));
        });
        assertRefusedWithoutHarm("a failed fill survives packing", r -> {
            assertThrows(IllegalArgumentException.class, () -> r.kind(9));
            byte[] packed = new byte[r.packedSize()];
            r.packInto(packed, 0);
            r.reset().unpackFrom(packed, 0);
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
