package io.ringtrace.codec;

import static io.ringtrace.codec.TraceRequestEncoderConformanceTest.assertConformant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/** {@code maxRequestBytes}, the per-request scope bound, buffer reuse and elastic buffers. */
class TraceRequestEncoderLimitsTest extends CodecTestBase {

    private final OracleRequest oracle = new OracleRequest("limits", 3, "https://schema/r");
    private final OracleRequest.Scope scopeA = oracle.register(new OracleRequest.Scope("a", "1", "https://schema/a", "x", "y"));
    private final OracleRequest.Scope scopeB = oracle.register(new OracleRequest.Scope("b", "", "", null, null));

    private OracleSpan span(SpanRecord r, OracleRequest.Scope scope, int i, int payload) {
        return new OracleSpan(r).scope(scope.scope).ids(7, 100 + i, 200 + i, 0).name("span-" + i, false).times(5, 6)
                .attribute("payload", OracleSpan.of("p".repeat(payload)));
    }

    @Test
    void appendRefusesTheSpanThatWouldPassMaxRequestBytesAndTheRequestStaysExact() throws Exception {
        for (int max : new int[] {1024, 1500, 4096, 10_000}) {
            for (boolean twoScopes : new boolean[] {false, true}) {
                TraceRequestEncoder encoder = new TraceRequestEncoder(oracle.resource, max);
                Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
                SpanRecord r = new SpanRecord(SpanLimits.defaults());
                oracle.clear();
                encoder.begin(buffer);
                int appended = 0;
                for (int i = 0; ; i++) {
                    OracleRequest.Scope scope = twoScopes && i % 2 == 1 ? scopeB : scopeA;
                    OracleSpan s = span(r, scope, i, i % 37);
                    long before = encoder.requestSize();
                    if (!encoder.append(r)) {
                        assertEquals(before, encoder.requestSize());
                        break;
                    }
                    oracle.add(scope.scope, s.build());
                    appended++;
                    assertTrue(encoder.requestSize() <= max);
                }
                assertTrue(appended > 3);
                Bytes<?> sealed = encoder.seal();
                assertTrue(sealed.readRemaining() <= max);
                assertEquals(appended, oracle.build().getResourceSpans(0).getScopeSpansList().stream().mapToInt(s -> s.getSpansCount()).sum());
                assertConformant(oracle.build(), sealed);
                // the refused span fits into the next request
                encoder.begin(buffer);
                assertTrue(encoder.append(r));
                encoder.seal();
            }
        }
    }

    @Test
    void aSpanLargerThanMaxRequestBytesIsRefusedEvenByAnEmptyRequest() {
        TraceRequestEncoder encoder = new TraceRequestEncoder(Resource.empty(), 1024);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        SpanRecord big = new SpanRecord(SpanLimits.defaults()).traceId(1, 1).spanId(1).startEpochNanos(1).endEpochNanos(2)
                .attribute(Utf8Constant.of("big"), "b".repeat(1500));
        encoder.begin(buffer);
        assertFalse(encoder.append(big));
        assertEquals(0, encoder.spanCount());
        assertEquals(0, encoder.seal().readRemaining());
    }

    @Test
    void aRequestHoldsAtMostMaxScopesPerRequestScopes() throws Exception {
        TraceRequestEncoder encoder = new TraceRequestEncoder(oracle.resource, 1 << 20);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        SpanRecord r = new SpanRecord(SpanLimits.defaults());
        oracle.clear();
        encoder.begin(buffer);
        OracleRequest.Scope[] scopes = new OracleRequest.Scope[TraceRequestEncoder.MAX_SCOPES_PER_REQUEST + 1];
        for (int i = 0; i < scopes.length; i++) {
            scopes[i] = oracle.register(new OracleRequest.Scope("scope-" + i, "", "", null, null));
            OracleSpan s = span(r, scopes[i], i, 3);
            if (i < TraceRequestEncoder.MAX_SCOPES_PER_REQUEST) {
                assertTrue(encoder.append(r));
                oracle.add(scopes[i].scope, s.build());
            } else {
                assertFalse(encoder.append(r));
            }
        }
        // spans of scopes already in the request still go in
        OracleSpan again = span(r, scopes[0], 999, 3);
        assertTrue(encoder.append(r));
        oracle.add(scopes[0].scope, again.build());
        assertConformant(oracle.build(), encoder.seal());
    }

    @Test
    void buffersAndEncoderAreReusedAcrossRequestsAndElasticBuffersGrowOnce() throws Exception {
        TraceRequestEncoder encoder = new TraceRequestEncoder(oracle.resource, 8192);
        Bytes<?> elastic = Bytes.allocateElasticDirect(256);
        try {
            SpanRecord r = new SpanRecord(SpanLimits.defaults());
            for (int round = 0; round < 20; round++) {
                oracle.clear();
                encoder.begin(elastic);
                for (int i = 0; i < round; i++) {
                    OracleRequest.Scope scope = (i + round) % 3 == 0 ? scopeB : scopeA;
                    OracleSpan s = span(r, scope, i, round);
                    assertTrue(encoder.append(r));
                    oracle.add(scope.scope, s.build());
                }
                assertConformant(oracle.build(), encoder.seal());
            }
            assertTrue(elastic.realCapacity() >= encoder.requiredCapacity());
        } finally {
            elastic.releaseLast();
        }
    }
}
