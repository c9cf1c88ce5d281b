package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Seeded, reproducible randomized conformance: thousands of spans covering every field, every
 * value kind, edge values and every limit, in requests of one or several scopes, through reused
 * records (a quarter each: filled in their own array; copied into another; copied into a 256-byte
 * slot of a shared area, overflowing into a buffer when bigger; written in place in that slot, moving
 * into the buffer when it outgrows it), encoders and buffers.
 * Records the encoder must refuse (no ids, missing or negative times) are refused and leave the
 * request exact.
 * A failure names its seed and case; rerun with {@code -Dringtrace.seed=...}.
 */
class TraceRequestEncoderRandomizedTest extends CodecTestBase {

    private static final long SEED = Long.getLong("ringtrace.seed", 0x5eed_2026L);
    private static final int REQUESTS = 600;

    @Test
    void randomizedSpansMatchProtobufJava() throws Exception {
        RandomSpans gen = new RandomSpans(SEED);
        OracleRequest oracle = new OracleRequest("random-service", 99, "https://opentelemetry.io/schemas/1.21.0");
        OracleRequest.Scope[] scopes = {
            oracle.register(new OracleRequest.Scope("lib.a", "1.2.3", "", null, null)),
            oracle.register(new OracleRequest.Scope("lib.b", "", "https://schema/b", "team", "pay")),
            oracle.register(new OracleRequest.Scope("", "", "", null, null)),
        };
        TraceRequestEncoder encoder = new TraceRequestEncoder(oracle.resource, 1 << 20);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        Map<SpanLimits, SpanRecord[]> records = new HashMap<>();
        Map<SpanLimits, TestOverflow> overflows = new HashMap<>();
        int[] overflowed = new int[2]; // spans that overflowed their slot: written in place, copied in
        int spans = 0;
        int[] dropped = new int[5]; // attributes, events, links, event attributes, link attributes
        int multiScopeRequests = 0;
        int refused = 0;
        int[] covered = new int[4]; // fallback names, trace states kept, is-remote flags, ends clamped to the start
        for (int request = 0; request < REQUESTS; request++) {
            oracle.clear();
            encoder.begin(buffer);
            boolean oneScope = gen.chance(50);
            int count = gen.between(0, 12);
            int appended = 0;
            for (int i = 0; i < count; i++) {
                SpanLimits limits = gen.limits();
                TestOverflow overflow = overflows.computeIfAbsent(limits, l -> new TestOverflow(1, l));
                overflow.releaseAll(); // the previous span of these limits was encoded: its buffer is free again
                // [0], [1]: records with their own arrays (span API); [2]: over a 256-byte slot in a
                // shared area, overflowing into a buffer (ring API, or the span API's end() copy)
                SpanRecord[] pair = records.computeIfAbsent(limits, l -> new SpanRecord[] {new SpanRecord(l),
                        new SpanRecord(l), new SpanRecord(l, new byte[4 * 256], 2 * 256, 256, overflow)});
                OracleRequest.Scope scope = oneScope ? scopes[request % 3] : scopes[gen.random().nextInt(3)];
                int path = gen.random().nextInt(4);
                OracleSpan s = new OracleSpan(path == 3 ? pair[2] : pair[0]);
                try {
                    gen.fill(s, scope.scope);
                } catch (IllegalArgumentException allZeroIds) {
                    // the generator made an all-zero id on purpose; the record refused it at the edge
                    i--;
                    continue;
                }
                SpanRecord toAppend;
                if (path == 0) {
                    toAppend = pair[0];
                } else if (path == 1) {
                    toAppend = pair[1].copyFrom(pair[0]);
                } else if (path == 2) { // one copy of the used bytes into the slot, or its overflow buffer
                    toAppend = pair[2].copyFrom(pair[0]);
                    overflowed[1] += overflow.claimed();
                } else { // written in place in the slot, moving into the overflow buffer when it outgrows it
                    toAppend = pair[2];
                    overflowed[0] += overflow.claimed();
                }
                assertTrue(!toAppend.tooLarge(), "an overflow buffer was free");
                if (!s.valid()) {
                    long size = encoder.requestSize();
                    assertEquals(TraceRequestEncoder.INVALID, encoder.tryAppend(toAppend),
                            "seed " + SEED + " request " + request + " span " + i);
                    assertEquals(size, encoder.requestSize());
                    refused++;
                    continue;
                }
                assertTrue(encoder.append(toAppend), "seed " + SEED + " request " + request + " span " + i);
                appended++;
                io.opentelemetry.proto.trace.v1.Span expected = s.build();
                oracle.add(scope.scope, expected);
                spans++;
                covered[0] += expected.getName().equals(TraceRequestEncoder.FALLBACK_SPAN_NAME) ? 1 : 0;
                covered[1] += expected.getTraceState().isEmpty() ? 0 : 1;
                covered[2] += (expected.getFlags() & SpanFlags.CONTEXT_HAS_IS_REMOTE_MASK) != 0 ? 1 : 0;
                covered[3] += expected.getStartTimeUnixNano() == expected.getEndTimeUnixNano() ? 1 : 0;
                dropped[0] += expected.getDroppedAttributesCount();
                dropped[1] += expected.getDroppedEventsCount();
                dropped[2] += expected.getDroppedLinksCount();
                expected.getEventsList().forEach(e -> dropped[3] += e.getDroppedAttributesCount());
                expected.getLinksList().forEach(l -> dropped[4] += l.getDroppedAttributesCount());
            }
            assertEquals(appended, encoder.spanCount());
            Bytes<?> sealed = encoder.seal();
            if (oracle.build().getResourceSpansCount() > 0 && oracle.build().getResourceSpans(0).getScopeSpansCount() > 1) {
                multiScopeRequests++;
            }
            try {
                TraceRequestEncoderConformanceTest.assertConformant(oracle.build(), sealed);
            } catch (AssertionError | Exception e) {
                throw new AssertionError("seed " + SEED + " request " + request + ": " + e.getMessage(), e);
            }
        }
        assertTrue(spans > 3000, "covered " + spans + " spans");
        assertTrue(refused > 100, "refused " + refused + " invalid records");
        for (int i = 0; i < covered.length; i++) {
            assertTrue(covered[i] > 50, "edge case " + i + " covered " + covered[i] + " times");
        }
        // the generator must actually reach every limit and the grouping path
        for (int i = 0; i < dropped.length; i++) {
            assertTrue(dropped[i] > 0, "no drops of kind " + i);
        }
        assertTrue(overflowed[0] > 100 && overflowed[1] > 100, "spans that overflowed their slot, written in place: "
                + overflowed[0] + ", copied: " + overflowed[1]);
        assertTrue(multiScopeRequests > 50, "multi-scope requests: " + multiScopeRequests);
    }
}
