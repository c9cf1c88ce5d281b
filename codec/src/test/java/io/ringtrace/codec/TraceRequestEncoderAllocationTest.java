package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Zero allocation in steady state: filling a record (constants and a reused {@code
 * StringBuilder}), copying it as the ring does, encoding it and sealing requests allocate 0 bytes,
 * measured with {@code ThreadMXBean#getCurrentThreadAllocatedBytes} over many thousand spans after
 * warm-up. The companion test runs the same check on a deliberately allocating variant and shows
 * that it fails, so the check can fail.
 */
class TraceRequestEncoderAllocationTest extends CodecTestBase {

    private static final Utf8Constant NAME = Utf8Constant.of("GET /orders/{id}");
    private static final Utf8Constant METHOD = Utf8Constant.of("http.method");
    private static final Utf8Constant ROUTE = Utf8Constant.of("http.route");
    private static final Utf8Constant STATUS = Utf8Constant.of("http.status_code");
    private static final Utf8Constant CACHED = Utf8Constant.of("cache.hit");
    private static final Utf8Constant EVENT = Utf8Constant.of("order.loaded");
    private static final Utf8Constant ROWS = Utf8Constant.of("rows");
    private static final int SPANS_PER_REQUEST = 512;

    /** The bench's typical span, plus a link and a status, through the record, copy, encode and seal. */
    static final class Pipeline implements AllocationMeter.Workload {
        final SpanRecord producerRecord = new SpanRecord(SpanLimits.defaults());
        final SpanRecord ringSlot = new SpanRecord(SpanLimits.defaults());
        final StringBuilder route = new StringBuilder();
        final TraceRequestEncoder encoder;
        final Bytes<?> buffer;
        final InstrumentationScope[] scopes = {InstrumentationScope.of("a"), InstrumentationScope.builder("b").version("1").build()};
        final boolean allocate;
        long requests;
        long sequence = 1;

        Pipeline(Bytes<?> buffer, TraceRequestEncoder encoder, boolean allocate) {
            this.buffer = buffer;
            this.encoder = encoder;
            this.allocate = allocate;
        }

        @Override
        public void run(int spans) {
            for (int i = 0; i < spans; i++) {
                long id = sequence++;
                route.setLength(0);
                route.append("/orders/").append(id & 1023);
                SpanRecord r = producerRecord.reset().scope(scopes[(int) (id >>> 6) & 1]).traceId(id, ~id).spanId(id)
                        .parentSpanId(id - 1).traceFlags(1).name(NAME).kind(SpanKind.SERVER)
                        .startEpochNanos(1_700_000_000_000_000_000L + id).endEpochNanos(1_700_000_000_000_050_000L + id)
                        .attribute(METHOD, "GET").attribute(ROUTE, route).attribute(STATUS, 200).attribute(CACHED, true)
                        .addEvent(EVENT, 1_700_000_000_000_010_000L + id).eventAttributes().attribute(ROWS, 3).record()
                        .addLink(id, id, id, 1, null).status(StatusCode.OK, null);
                if (allocate) {
                    r.attribute(ROUTE, String.valueOf(id)); // deliberately allocates a String per span
                }
                ringSlot.copyFrom(r);
                if (encoder.spanCount() == SPANS_PER_REQUEST || !encoder.append(ringSlot)) {
                    encoder.seal();
                    requests++;
                    encoder.begin(buffer);
                    if (!encoder.append(ringSlot)) {
                        throw new AssertionError("span does not fit an empty request");
                    }
                }
            }
        }
    }

    private Pipeline pipeline(boolean allocate) {
        Resource resource = Resource.builder().attribute("service.name", "alloc").build();
        TraceRequestEncoder encoder = new TraceRequestEncoder(resource, 256 * 1024);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        Pipeline p = new Pipeline(buffer, encoder, allocate);
        encoder.begin(buffer);
        return p;
    }

    @Test
    void recordCopyEncodeAndSealAllocateNothingInSteadyState() throws Exception {
        Pipeline p = pipeline(false);
        AllocationMeter.assertAllocationFree("record + copy + encode + seal", p, 50_000, 50_000);
        assertTrue(p.requests > 100, "sealed " + p.requests + " requests");
        p.encoder.seal();
    }

    @Test
    void theSameCheckFailsOnADeliberatelyAllocatingVariant() throws Exception {
        Pipeline p = pipeline(true);
        AssertionError failure = assertThrows(AssertionError.class,
                () -> AllocationMeter.assertAllocationFree("allocating variant", p, 50_000, 50_000));
        assertTrue(failure.getMessage().contains("allocated"), failure.getMessage());
        p.encoder.seal();
        assertEquals(0, AllocationMeter.minAllocatedBytes(n -> { }, 0, 1, 1)); // the meter itself allocates nothing
    }
}
