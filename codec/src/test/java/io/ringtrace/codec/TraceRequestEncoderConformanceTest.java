package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/**
 * The encoder's bytes (a) parse with the official {@code ExportTraceServiceRequest.parseFrom},
 * (b) equal the expected message field by field and (c) equal protobuf-java's own {@code
 * toByteArray()} of it, byte for byte.
 */
class TraceRequestEncoderConformanceTest extends CodecTestBase {

    static final Utf8Constant GET_ORDER = Utf8Constant.of("GET /orders/{id}");

    static void assertConformant(ExportTraceServiceRequest expected, Bytes<?> sealed) throws Exception {
        byte[] actual = readable(sealed);
        ExportTraceServiceRequest parsed = ExportTraceServiceRequest.parseFrom(actual);
        // protobuf-java replaces unpaired surrogates on write, so compare with the expected message
        // as it reads back from protobuf-java's own bytes
        byte[] oracleBytes = expected.toByteArray();
        assertEquals(ExportTraceServiceRequest.parseFrom(oracleBytes), parsed);
        assertArrayEquals(oracleBytes, actual);
    }

    @Test
    void commonSpanMatchesProtobufJavaByteForByte() throws Exception {
        OracleRequest oracle = new OracleRequest("checkout", 4242, "");
        OracleRequest.Scope scope = oracle.register(new OracleRequest.Scope("io.ringtrace.test", "1.0.0", "", null, null));
        TraceRequestEncoder encoder = new TraceRequestEncoder(oracle.resource, 1 << 20);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        SpanRecord record = new SpanRecord(SpanLimits.defaults());

        encoder.begin(buffer);
        for (int i = 0; i < 3; i++) {
            OracleSpan s = new OracleSpan(record).scope(scope.scope)
                    .ids(0x0123456789abcdefL, 0xfedcba9876543210L + i, 0x1122334455667788L + i, i == 0 ? 0 : 0x99L)
                    .kind(SpanKind.SERVER)
                    .times(1_700_000_000_000_000_000L + i, 1_700_000_000_000_250_000L + i)
                    .attribute("http.method", OracleSpan.of("GET"))
                    .attribute("http.route", OracleSpan.of("/orders/{id}"))
                    .attribute("http.status_code", OracleSpan.of(200L))
                    .attribute("cache.hit", OracleSpan.of(true))
                    .attribute("load", OracleSpan.of(0.75))
                    .event("order.loaded", 1_700_000_000_000_100_000L, true)
                    .eventAttribute("rows", OracleSpan.of(3L))
                    .eventAttribute("db", OracleSpan.of("orders"))
                    .status(i == 2 ? StatusCode.ERROR : StatusCode.UNSET, i == 2 ? "boom" : "");
            record.name(GET_ORDER);
            s.expected.setName(GET_ORDER.toString());
            assertTrue(encoder.append(record));
            oracle.add(scope.scope, s.build());
        }
        assertEquals(3, encoder.spanCount());
        Bytes<?> sealed = encoder.seal();
        assertEquals(encoder.requestSize(), sealed.readRemaining());
        assertConformant(oracle.build(), sealed);
    }

    @Test
    void resourceAndScopeAttributesOfEveryBuilderKind() throws Exception {
        Resource resource = Resource.builder().attribute("s", "v").attribute("l", -5L).attribute("d", Double.NaN)
                .attribute("b", true).attribute("process.command_args", new String[] {"java", "-jar", "é😀"})
                .attribute("ports", new long[] {80, 443, -1}).attribute("", "empty key").schemaUrl("https://r").build();
        InstrumentationScope scope = InstrumentationScope.builder("lib").version("9").attribute("s", "v")
                .attribute("l", 1L).attribute("d", 2.5).attribute("b", false).attribute("a", new String[0])
                .attribute("n", new long[] {0}).schemaUrl("https://s").build();
        io.opentelemetry.proto.common.v1.AnyValue.Builder args = io.opentelemetry.proto.common.v1.AnyValue.newBuilder();
        args.getArrayValueBuilder().addValues(any().setStringValue("java")).addValues(any().setStringValue("-jar"))
                .addValues(any().setStringValue("é😀"));
        io.opentelemetry.proto.common.v1.AnyValue.Builder ports = io.opentelemetry.proto.common.v1.AnyValue.newBuilder();
        ports.getArrayValueBuilder().addValues(any().setIntValue(80)).addValues(any().setIntValue(443)).addValues(any().setIntValue(-1));
        io.opentelemetry.proto.common.v1.AnyValue.Builder emptyArray = io.opentelemetry.proto.common.v1.AnyValue.newBuilder();
        emptyArray.getArrayValueBuilder();
        io.opentelemetry.proto.common.v1.AnyValue.Builder zero = io.opentelemetry.proto.common.v1.AnyValue.newBuilder();
        zero.getArrayValueBuilder().addValues(any().setIntValue(0));
        ExportTraceServiceRequest expected = ExportTraceServiceRequest.newBuilder().addResourceSpans(
                io.opentelemetry.proto.trace.v1.ResourceSpans.newBuilder()
                        .setResource(io.opentelemetry.proto.resource.v1.Resource.newBuilder()
                                .addAttributes(kv("s", any().setStringValue("v"))).addAttributes(kv("l", any().setIntValue(-5)))
                                .addAttributes(kv("d", any().setDoubleValue(Double.NaN))).addAttributes(kv("b", any().setBoolValue(true)))
                                .addAttributes(kv("process.command_args", args)).addAttributes(kv("ports", ports))
                                .addAttributes(kv("", any().setStringValue("empty key"))))
                        .setSchemaUrl("https://r")
                        .addScopeSpans(io.opentelemetry.proto.trace.v1.ScopeSpans.newBuilder().setSchemaUrl("https://s")
                                .setScope(io.opentelemetry.proto.common.v1.InstrumentationScope.newBuilder().setName("lib").setVersion("9")
                                        .addAttributes(kv("s", any().setStringValue("v"))).addAttributes(kv("l", any().setIntValue(1)))
                                        .addAttributes(kv("d", any().setDoubleValue(2.5))).addAttributes(kv("b", any().setBoolValue(false)))
                                        .addAttributes(kv("a", emptyArray)).addAttributes(kv("n", zero)))
                                .addSpans(Span.newBuilder().setTraceId(OracleSpan.id(1, 2)).setSpanId(OracleSpan.id(3))
                                        .setName(TraceRequestEncoder.FALLBACK_SPAN_NAME)
                                        .setStartTimeUnixNano(1).setEndTimeUnixNano(2))))
                .build();
        TraceRequestEncoder encoder = new TraceRequestEncoder(resource, 4096);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        encoder.begin(buffer);
        assertTrue(encoder.append(new SpanRecord(SpanLimits.defaults()).scope(scope).traceId(1, 2).spanId(3)
                .startEpochNanos(1).endEpochNanos(2)));
        assertConformant(expected, encoder.seal());
    }

    private static io.opentelemetry.proto.common.v1.AnyValue.Builder any() {
        return io.opentelemetry.proto.common.v1.AnyValue.newBuilder();
    }

    private static io.opentelemetry.proto.common.v1.KeyValue kv(String key, io.opentelemetry.proto.common.v1.AnyValue.Builder value) {
        return io.opentelemetry.proto.common.v1.KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    @Test
    void emptyRequestIsAnEmptyMessage() throws Exception {
        OracleRequest oracle = new OracleRequest("svc", 1, "");
        TraceRequestEncoder encoder = new TraceRequestEncoder(oracle.resource, 4096);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        encoder.begin(buffer);
        assertConformant(oracle.build(), encoder.seal());
    }

    @Test
    void spansOfSeveralScopesAreGroupedByScope() throws Exception {
        OracleRequest oracle = new OracleRequest("svc", 7, "https://opentelemetry.io/schemas/1.24.0");
        OracleRequest.Scope a = oracle.register(new OracleRequest.Scope("a", "", "", null, null));
        OracleRequest.Scope b = oracle.register(new OracleRequest.Scope("b", "2.0", "https://schema/b", "k", "v"));
        OracleRequest.Scope c = oracle.register(new OracleRequest.Scope("", "", "", null, null));
        TraceRequestEncoder encoder = new TraceRequestEncoder(oracle.resource, 1 << 16);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        SpanRecord record = new SpanRecord(SpanLimits.defaults());
        OracleRequest.Scope[] order = {a, a, b, a, c, c, b, a};
        encoder.begin(buffer);
        for (int i = 0; i < order.length; i++) {
            OracleSpan s = new OracleSpan(record).scope(order[i].scope).ids(1, 2 + i, 3 + i, 0).name("s" + i, false)
                    .times(100 + i, 200 + i);
            assertTrue(encoder.append(record));
            oracle.add(order[i].scope, s.build());
        }
        Bytes<?> sealed = encoder.seal();
        assertConformant(oracle.build(), sealed);
        Span first = ExportTraceServiceRequest.parseFrom(readable(sealed)).getResourceSpans(0).getScopeSpans(0).getSpans(0);
        assertEquals("s0", first.getName());
    }
}
