package io.ringtrace.codec;

import static io.ringtrace.codec.TraceRequestEncoderConformanceTest.assertConformant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.function.Consumer;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/** Edge values, limits and bad input, each checked against protobuf-java. */
class SpanRecordEdgeCaseTest extends CodecTestBase {

    private final OracleRequest oracle = new OracleRequest("edge", 1, "");
    private final OracleRequest.Scope scope = oracle.register(new OracleRequest.Scope("edge", "", "", null, null));

    /** Encodes one span built by {@code fill} alone in a request and checks it against the oracle; returns the parsed span. */
    private Span roundTrip(SpanLimits limits, Consumer<OracleSpan> fill) throws Exception {
        TraceRequestEncoder encoder = new TraceRequestEncoder(oracle.resource, 1 << 20);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        OracleSpan s = new OracleSpan(new SpanRecord(limits)).scope(scope.scope).ids(1, 2, 3, 0).times(10, 20);
        fill.accept(s);
        oracle.clear();
        encoder.begin(buffer);
        assertTrue(encoder.append(s.record));
        oracle.add(scope.scope, s.build());
        Bytes<?> sealed = encoder.seal();
        assertConformant(oracle.build(), sealed);
        return ExportTraceServiceRequest.parseFrom(readable(sealed)).getResourceSpans(0).getScopeSpans(0).getSpans(0);
    }

    @Test
    void resetForgetsTheScopeAndACopyCarriesWhetherOneWasSet() {
        InstrumentationScope a = InstrumentationScope.of("a");
        SpanRecord record = new SpanRecord(SpanLimits.defaults()).scope(a);
        assertSame(a, record.scope());
        assertSame(InstrumentationScope.empty(), record.reset().scope());
        SpanRecord copy = new SpanRecord(SpanLimits.defaults()).scope(a).copyFrom(record);
        assertSame(InstrumentationScope.empty(), copy.scope(), "the source had no scope");
        assertSame(a, copy.copyFrom(record.scope(a)).scope());
        assertSame(InstrumentationScope.empty(), record.scope(null).scope());
    }

    @Test
    void emptyStringsAndArraysAreEncodedAsProtobufJavaDoes() throws Exception {
        Span span = roundTrip(SpanLimits.defaults(), s -> s.name("", true).traceState("").status(StatusCode.UNSET, "")
                .attribute("", OracleSpan.of(""))
                .attribute("empty.strings", OracleSpan.ofStrings())
                .attribute("empty.longs", OracleSpan.ofLongs())
                .attribute("empty.bytes", OracleSpan.of(new byte[0]))
                .attribute("one.empty.string", OracleSpan.ofStrings(""))
                .event("", 0, false).eventAttribute("", OracleSpan.of(0L))
                .link(1, 1, 1, 0, ""));
        assertEquals(TraceRequestEncoder.FALLBACK_SPAN_NAME, span.getName(), "OTLP requires a name");
        assertFalse(span.hasStatus());
        assertEquals(5, span.getAttributesCount());
    }

    @Test
    void protoDefaultsAreOmittedButOneofValuesAreNot() throws Exception {
        Span span = roundTrip(SpanLimits.defaults(), s -> s.kind(SpanKind.UNSPECIFIED).flags(0).status(StatusCode.UNSET, "")
                .attribute("zero", OracleSpan.of(0L)).attribute("false", OracleSpan.of(false))
                .attribute("zero.double", OracleSpan.of(0.0)).attribute("neg.zero", OracleSpan.of(-0.0)));
        assertEquals(0, span.getFlags());
        assertFalse(span.hasStatus());
        assertEquals(4, span.getAttributesCount());
        assertTrue(span.getAttributes(1).getValue().hasBoolValue());
    }

    @Test
    void numbersAtTheirExtremes() throws Exception {
        roundTrip(SpanLimits.defaults(), s -> s.times(1, Long.MAX_VALUE).flags(-1).kind(SpanKind.CONSUMER)
                .status(StatusCode.ERROR, "x")
                .attribute("min", OracleSpan.of(Long.MIN_VALUE)).attribute("max", OracleSpan.of(Long.MAX_VALUE))
                .attribute("neg", OracleSpan.of(-1L)).attribute("nan", OracleSpan.of(Double.NaN))
                .attribute("inf", OracleSpan.of(Double.POSITIVE_INFINITY)).attribute("-inf", OracleSpan.of(Double.NEGATIVE_INFINITY))
                .attribute("nan.payload", OracleSpan.of(Double.longBitsToDouble(0x7ff8dead0000beefL)))
                .attribute("doubles", OracleSpan.ofDoubles(Double.NaN, Double.MIN_VALUE, -Double.MAX_VALUE))
                .link(Long.MIN_VALUE, 0, -1, Integer.MIN_VALUE, null));
    }

    @Test
    void utf8OfEveryWidthAndUnpairedSurrogatesMatchProtobufJava() throws Exception {
        String wide = "aé€中😀\uD83D\uDE80";
        String unpaired = "hi\uD800 there\uDC00!\uDBFF";
        Span span = roundTrip(SpanLimits.defaults(), s -> s.name(unpaired, false).traceState("v=" + wide)
                .status(StatusCode.ERROR, "\uD83D")
                .attribute(wide, OracleSpan.of(wide)).attribute("u", OracleSpan.of(unpaired))
                .attribute("arr", OracleSpan.ofStrings(wide, unpaired, "\uDC00\uD800"))
                .event(unpaired, 5, false).eventAttribute(unpaired, OracleSpan.of(unpaired)));
        assertEquals("hi? there?!?", span.getName()); // what protobuf-java writes: '?' per unpaired surrogate
        assertEquals("", span.getTraceState(), "a tracestate is ASCII: not valid, discarded");
        assertEquals(Utf8Constant.of(unpaired).utf8Length(), "hi? there?!?".length());
    }

    @Test
    void maxLengthValuesFillTheArenaExactly() throws Exception {
        SpanLimits limits = SpanLimits.builder().attributeBytes(64).textBytes(10).build();
        // a KeyValue field of exactly 64 bytes: tag, len 62, key "k" (3), value: tag, len 57, string tag, len 55, 55 bytes
        String exact = "x".repeat(55);
        Span span = roundTrip(limits, s -> s.attribute("k", OracleSpan.of(exact)).attribute("k2", OracleSpan.of(true))
                .name("0123456789", true));
        assertEquals(1, span.getAttributesCount());
        assertEquals(1, span.getDroppedAttributesCount());
        assertEquals("0123456789", span.getName());
        Span oneMore = roundTrip(limits, s -> s.attribute("k", OracleSpan.of(exact + "y")));
        assertEquals(0, oneMore.getAttributesCount());
        assertEquals(1, oneMore.getDroppedAttributesCount());
    }

    @Test
    void textsThatDoNotFitAreTruncatedAtACharacterBoundary() throws Exception {
        SpanLimits limits = SpanLimits.builder().textBytes(7).build();
        Span span = roundTrip(limits, s -> s.name("ab😀cd", true).traceState("z=z"));
        assertEquals("ab😀c", span.getName());
        assertEquals("", span.getTraceState()); // the name took all 7 bytes
    }

    @Test
    void aTraceStateThatDoesNotFitKeepsWholeListMembersOnly() throws Exception {
        SpanLimits limits = SpanLimits.builder().textBytes(24).build();
        Span span = roundTrip(limits, s -> s.name("op", true).traceState("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"));
        assertEquals("op", span.getName());
        assertEquals("congo=t61rcWkgMzE", span.getTraceState()); // not "congo=t61rcWkgMzE,rojo" (22 bytes fit)
        span = roundTrip(limits, s -> s.name("op", true).traceState("a-single-member-longer-than-the-room=1"));
        assertEquals("", span.getTraceState(), "a lone member cut in half is no trace state");
        span = roundTrip(limits, s -> s.name("op", true).traceState("congo=t61rcWkgMzE,r=1"));
        assertEquals("congo=t61rcWkgMzE,r=1", span.getTraceState(), "fits exactly: kept whole");
    }

    @Test
    void recordsOverEveryLimitCountWhatTheyDrop() throws Exception {
        SpanLimits limits = SpanLimits.builder().maxAttributes(2).maxEvents(1).maxLinks(1)
                .maxAttributesPerEvent(1).maxAttributesPerLink(1).build();
        Span span = roundTrip(limits, s -> s.attribute("a", OracleSpan.of(1L)).attribute("b", OracleSpan.of(2L))
                .attribute("c", OracleSpan.of(3L)).attribute("d", OracleSpan.of("4"))
                .event("e1", 1, true).eventAttribute("x", OracleSpan.of(1L)).eventAttribute("y", OracleSpan.of(2L))
                .event("e2", 2, true).eventAttribute("z", OracleSpan.of(3L))
                .link(1, 2, 3, 1, "s").linkAttribute("p", OracleSpan.of(true)).linkAttribute("q", OracleSpan.of(false))
                .link(4, 5, 6, 1, null).linkAttribute("r", OracleSpan.of(true)));
        assertEquals(2, span.getDroppedAttributesCount());
        assertEquals(1, span.getDroppedEventsCount());
        assertEquals(1, span.getEvents(0).getDroppedAttributesCount());
        assertEquals(1, span.getDroppedLinksCount());
        assertEquals(1, span.getLinks(0).getDroppedAttributesCount());
        assertEquals(1, span.getLinks(0).getFlags());
    }

    @Test
    void valuesFarLargerThanTheArenaAreDroppedAndCounted() throws Exception {
        String huge = "h".repeat(1 << 20);
        Span span = roundTrip(SpanLimits.defaults(), s -> s.attribute("a", OracleSpan.of(huge))
                .attribute("b", OracleSpan.ofStrings("x", huge)).event(huge, 1, false).link(1, 1, 1, 0, hugeTraceState())
                .attribute("kept", OracleSpan.of(1L)).name(huge, false));
        assertEquals(2, span.getDroppedAttributesCount());
        assertEquals(1, span.getDroppedEventsCount());
        assertEquals(1, span.getDroppedLinksCount());
        assertEquals(1, span.getAttributesCount());
        assertEquals(SpanLimits.DEFAULT_TEXT_BYTES, span.getName().length()); // truncated to the text arena
    }

    /** A valid tracestate far larger than the default link arena: 32 list-members of 256-char values. */
    private static String hugeTraceState() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            s.append(i == 0 ? "" : ",").append('k').append(i).append('=').append("v".repeat(256));
        }
        return s.toString();
    }

    @Test
    void settingAKeyAgainReplacesItsValueEvenAtTheCountLimit() throws Exception {
        SpanLimits limits = SpanLimits.builder().maxAttributes(2).maxAttributesPerEvent(1).maxAttributesPerLink(1).build();
        Span span = roundTrip(limits, s -> s.attribute("a", OracleSpan.of(1L)).attribute("", OracleSpan.of("empty key"))
                .attribute("a", OracleSpan.of("replaced")).attribute("", OracleSpan.of(true)).attribute("c", OracleSpan.of(3L))
                .event("e", 1, true).eventAttribute("x", OracleSpan.of(1L)).eventAttribute("x", OracleSpan.of(2L))
                .link(1, 1, 1, 0, "ts").linkAttribute("y", OracleSpan.of(1.0)).linkAttribute("y", OracleSpan.ofLongs(1, 2)));
        assertEquals(2, span.getAttributesCount());
        assertEquals("replaced", span.getAttributes(0).getValue().getStringValue());
        assertEquals(1, span.getDroppedAttributesCount()); // only "c"
        assertEquals(2, span.getEvents(0).getAttributes(0).getValue().getIntValue());
        assertEquals(0, span.getEvents(0).getDroppedAttributesCount());
        assertEquals(2, span.getLinks(0).getAttributes(0).getValue().getArrayValue().getValuesCount());
    }

    @Test
    void everyKeySetAgainIsReplacedAlsoWhenKeysShareAFilterBit() throws Exception {
        // 100 keys over the 64 bits of the keys-seen filter: many share a bit, and each is still
        // found and replaced, before and after an event follows the attributes
        Span span = roundTrip(SpanLimits.defaults(), s -> {
            for (int i = 0; i < 100; i++) {
                s.attribute("k" + i, OracleSpan.of((long) i));
            }
            for (int i = 0; i < 100; i += 7) {
                s.attribute("k" + i, OracleSpan.of("again " + i));
            }
            s.event("e", 1, true);
            for (int i = 1; i < 100; i += 7) {
                s.attribute("k" + i, OracleSpan.of("after the event " + i));
            }
        });
        assertEquals(100, span.getAttributesCount(), "no key twice");
        assertEquals(0, span.getDroppedAttributesCount());
        long replaced = span.getAttributesList().stream().filter(kv -> kv.getValue().hasStringValue()).count();
        assertEquals(15 + 15, replaced);
    }

    @Test
    void zeroLimitsDropEverything() throws Exception {
        SpanLimits zero = SpanLimits.builder().maxAttributes(0).maxEvents(0).maxLinks(0).textBytes(0)
                .attributeBytes(0).eventBytes(0).linkBytes(0).build();
        Span span = roundTrip(zero, s -> s.name("gone", false).attribute("a", OracleSpan.of(1L))
                .event("e", 1, true).eventAttribute("x", OracleSpan.of(1L)).link(1, 1, 1, 0, null)
                .linkAttribute("y", OracleSpan.of(2L)));
        assertEquals(TraceRequestEncoder.FALLBACK_SPAN_NAME, span.getName(), "no room for the name: the fallback");
        assertEquals(1, span.getDroppedAttributesCount());
        assertEquals(1, span.getDroppedEventsCount());
        assertEquals(1, span.getDroppedLinksCount());
    }

    @Test
    void settingATextTwiceReusesItsSpace() throws Exception {
        SpanLimits limits = SpanLimits.builder().textBytes(8).build();
        SpanRecord r = new SpanRecord(limits).traceId(1, 1).spanId(1).startEpochNanos(1).endEpochNanos(2);
        for (int i = 0; i < 100; i++) {
            r.name("name" + (i % 10));
        }
        r.status(StatusCode.ERROR, "err");
        TraceRequestEncoder encoder = new TraceRequestEncoder(Resource.empty(), 4096);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        encoder.begin(buffer);
        assertTrue(encoder.append(r));
        Span span = ExportTraceServiceRequest.parseFrom(readable(encoder.seal())).getResourceSpans(0).getScopeSpans(0).getSpans(0);
        assertEquals("name9", span.getName());
        assertEquals("err", span.getStatus().getMessage());
    }

    @Test
    void badInputGetsIllegalArgumentExceptionAtTheEdge() {
        SpanRecord r = new SpanRecord(SpanLimits.defaults());
        Utf8Constant key = Utf8Constant.of("k");
        assertThrows(IllegalArgumentException.class, () -> r.name((Utf8Constant) null));
        assertThrows(IllegalArgumentException.class, () -> r.name((CharSequence) null));
        assertThrows(IllegalArgumentException.class, () -> r.attribute(null, 1L));
        assertThrows(IllegalArgumentException.class, () -> r.attribute(null, "v"));
        assertThrows(IllegalArgumentException.class, () -> r.attribute(key, (CharSequence) null));
        assertThrows(IllegalArgumentException.class, () -> r.attribute(key, new CharSequence[] {"a", null}));
        assertThrows(IllegalArgumentException.class, () -> r.attribute(key, (long[]) null));
        assertThrows(IllegalArgumentException.class, () -> r.attribute(key, new long[2], 3));
        assertThrows(IllegalArgumentException.class, () -> r.attribute(key, new double[2], -1));
        assertThrows(IllegalArgumentException.class, () -> r.attribute(key, new CharSequence[] {"a", null}, 2));
        assertThrows(IllegalArgumentException.class, () -> r.attribute(key, new byte[4], 3, 2));
        assertThrows(IllegalArgumentException.class, () -> r.attribute(key, new byte[4], -1, 1));
        assertThrows(IllegalArgumentException.class, () -> r.attribute(key, (byte[]) null, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> r.kind(6));
        assertThrows(IllegalArgumentException.class, () -> r.kind(-1));
        assertThrows(IllegalArgumentException.class, () -> r.status(3, "x"));
        assertThrows(IllegalArgumentException.class, () -> r.status(-1, null));
        assertThrows(IllegalArgumentException.class, () -> r.traceId(0, 0));
        assertThrows(IllegalArgumentException.class, () -> r.spanId(0));
        assertThrows(IllegalArgumentException.class, () -> r.addLink(0, 0, 1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> r.addLink(1, 1, 0, 0, null));
        assertThrows(IllegalArgumentException.class, () -> r.addEvent((Utf8Constant) null, 1));
        assertThrows(IllegalStateException.class, () -> r.eventAttributes().attribute(key, 1L));
        assertThrows(IllegalStateException.class, () -> r.linkAttributes().attribute(key, 1L));
        assertThrows(IllegalArgumentException.class, () -> Utf8Constant.of(null));
        assertThrows(IllegalArgumentException.class, () -> SpanLimits.builder().maxAttributes(-1).build());
        assertThrows(IllegalArgumentException.class, () -> new SpanRecord(SpanLimits.builder().maxLinks(1).build())
                .copyFrom(new SpanRecord(SpanLimits.defaults())));
        // nothing of the refused calls reached the record
        assertEquals(0, r.attributeCount());
        assertEquals(0, r.droppedAttributesCount());
        assertFalse(r.hasValidIds());
    }

    @Test
    void encoderRefusesRecordsWithoutIdsAndMisuse() {
        TraceRequestEncoder encoder = new TraceRequestEncoder(Resource.empty(), 4096);
        SpanRecord r = new SpanRecord(SpanLimits.defaults());
        assertThrows(IllegalStateException.class, () -> encoder.append(r));
        assertThrows(IllegalStateException.class, encoder::seal);
        Bytes<?> small = directBuffer(encoder.requiredCapacity() - 1);
        assertThrows(IllegalArgumentException.class, () -> encoder.begin(small));
        Bytes<?> onHeap = Bytes.allocateElasticOnHeap(encoder.requiredCapacity());
        assertThrows(IllegalArgumentException.class, () -> encoder.begin(onHeap));
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        encoder.begin(buffer);
        assertThrows(IllegalArgumentException.class, () -> encoder.append(r));
        assertEquals(0, encoder.spanCount());
        assertEquals(0, encoder.seal().readRemaining());
        assertThrows(IllegalArgumentException.class, () -> new TraceRequestEncoder(null, 4096));
        assertThrows(IllegalArgumentException.class, () -> new TraceRequestEncoder(Resource.empty(), 10));
    }

    @Test
    void resetClearsEverythingAndReleasesTheScope() {
        InstrumentationScope s = InstrumentationScope.of("x");
        SpanRecord r = new SpanRecord(SpanLimits.defaults()).scope(s).traceId(1, 2).spanId(3).parentSpanId(4)
                .kind(SpanKind.CLIENT).status(StatusCode.OK, "m").attribute(Utf8Constant.of("k"), 1L)
                .addEvent(Utf8Constant.of("e"), 1).addLink(1, 1, 1, 1, "t");
        r.reset();
        assertSame(InstrumentationScope.empty(), r.scope());
        assertEquals(0, r.traceIdHigh() | r.traceIdLow() | r.spanId() | r.parentSpanId());
        assertEquals(0, r.kind() + r.statusCode() + r.attributeCount() + r.eventCount() + r.linkCount());
    }
}
