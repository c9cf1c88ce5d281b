package io.ringtrace.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/**
 * Zero allocation in steady state for logs: writing a record (constants, a reused {@code
 * StringBuilder} body, attributes of several kinds, trace context) in place in a ring-like slot,
 * and encoding and sealing requests, allocate 0 bytes per record, measured with {@code
 * ThreadMXBean#getCurrentThreadAllocatedBytes} over 50,000 records after warm-up; measured for the
 * write alone and for write + encode. The companion test runs the same check on a variant that
 * allocates one {@code String} per record and shows that it fails.
 */
class LogsRequestEncoderAllocationTest extends CodecTestBase {

    private static final Utf8Constant INFO = Utf8Constant.of("INFO");
    private static final Utf8Constant THREAD = Utf8Constant.of("thread.name");
    private static final Utf8Constant ORDER = Utf8Constant.of("order.id");
    private static final Utf8Constant RETRY = Utf8Constant.of("retry");
    private static final Utf8Constant EVENT = Utf8Constant.of("order.placed");
    private static final int RECORDS_PER_REQUEST = 512;

    /** A typical record, written in place in one of 8 slots of a shared area, then (optionally) encoded. */
    static final class Pipeline implements AllocationMeter.Workload {
        final byte[] area = new byte[8 * 512];
        final LogRecordWriter[] slots = new LogRecordWriter[8];
        final LogsRequestEncoderRandomizedTest.LogOverflow overflow =
                new LogsRequestEncoderRandomizedTest.LogOverflow(1, LogLimits.defaults());
        final StringBuilder message = new StringBuilder();
        final LogsRequestEncoder encoder;
        final Bytes<?> buffer;
        final InstrumentationScope[] scopes = {InstrumentationScope.of("a"), InstrumentationScope.builder("b").version("1").build()};
        final boolean encode;
        final boolean allocate;
        long requests;
        long sequence = 1;

        Pipeline(Bytes<?> buffer, LogsRequestEncoder encoder, boolean encode, boolean allocate) {
            this.buffer = buffer;
            this.encoder = encoder;
            this.encode = encode;
            this.allocate = allocate;
            for (int i = 0; i < slots.length; i++) {
                slots[i] = new LogRecordWriter(LogLimits.defaults(), area, i * 512, 512, overflow);
            }
        }

        @Override
        public void run(int records) {
            for (int i = 0; i < records; i++) {
                long id = sequence++;
                message.setLength(0);
                message.append("order ").append(id).append(" placed after ").append(id & 7).append(" retries");
                LogRecordWriter r = slots[(int) id & 7].reset().scope(scopes[(int) (id >>> 6) & 1])
                        .timestamp(1_700_000_000_000_000_000L + id).observedTimestamp(1_700_000_000_000_000_100L + id)
                        .severityNumber(9).severityText(INFO).body(message).eventName(EVENT)
                        .traceId(id, ~id).spanId(id).traceFlags(1)
                        .attribute(THREAD, "main").attribute(ORDER, id).attribute(RETRY, (id & 1) == 0);
                if (allocate) {
                    r.attribute(THREAD, String.valueOf(id)); // deliberately allocates a String per record
                }
                if (encode && (encoder.recordCount() == RECORDS_PER_REQUEST || encoder.tryAppend(r) != LogsRequestEncoder.APPENDED)) {
                    encoder.seal();
                    requests++;
                    encoder.begin(buffer);
                    if (encoder.tryAppend(r) != LogsRequestEncoder.APPENDED) {
                        throw new AssertionError("record does not fit an empty request");
                    }
                }
            }
        }
    }

    private Pipeline pipeline(boolean encode, boolean allocate) {
        Resource resource = Resource.builder().attribute("service.name", "alloc").build();
        LogsRequestEncoder encoder = new LogsRequestEncoder(resource, 256 * 1024);
        Bytes<?> buffer = directBuffer(encoder.requiredCapacity());
        Pipeline p = new Pipeline(buffer, encoder, encode, allocate);
        encoder.begin(buffer);
        return p;
    }

    @Test
    void writingARecordInPlaceAllocatesNothingInSteadyState() throws Exception {
        Pipeline p = pipeline(false, false);
        AllocationMeter.assertAllocationFree("log record write", p, 50_000, 50_000);
        assertEquals(0, p.overflow.claims);
        p.encoder.seal();
    }

    @Test
    void writingEncodingAndSealingAllocateNothingInSteadyState() throws Exception {
        Pipeline p = pipeline(true, false);
        AllocationMeter.assertAllocationFree("log record write + encode + seal", p, 50_000, 50_000);
        assertTrue(p.requests > 100, "sealed " + p.requests + " requests");
        p.encoder.seal();
    }

    @Test
    void theSameCheckFailsOnADeliberatelyAllocatingVariant() throws Exception {
        Pipeline p = pipeline(true, true);
        AssertionError failure = assertThrows(AssertionError.class,
                () -> AllocationMeter.assertAllocationFree("allocating variant", p, 50_000, 50_000));
        assertTrue(failure.getMessage().contains("allocated"), failure.getMessage());
        p.encoder.seal();
    }
}
