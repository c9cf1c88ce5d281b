package io.ringtrace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.SpanKind;
import io.ringtrace.engine.Ids;
import io.ringtrace.engine.TraceContext;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import io.ringtrace.testkit.OtlpReceiver;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RingApiExampleTest extends LeakCheckingTestBase {

    private static final long WARMUP = 50_000;
    private static final int ROUNDS = 5;
    private static final long PER_ROUND = 10_000;

    @Test
    void ringApiAllocatesNothingPerSpanAndEverySpanArrives() throws Exception {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.builder().countOnly().start());

        RingApiExample.Result result = RingApiExample.run(receiver.endpoint(), WARMUP, ROUNDS, PER_ROUND);

        assertEquals(0.0, result.bytesPerSpan(), "bytes allocated per span on the producer thread");
        long spans = WARMUP + ROUNDS * PER_ROUND;
        assertEquals(spans, result.stats().published());
        assertEquals(spans, result.stats().exported());
        assertEquals(0, result.stats().droppedTotal());
        receiver.awaitSpanCount(spans, Duration.ofSeconds(5));
        assertEquals(spans, receiver.spanCount());
    }

    /** The same measurement must catch a publisher that allocates (here: one String per span). */
    @Test
    void theMeasurementCatchesAnAllocatingPublisher() throws Exception {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.builder().countOnly().start());
        TraceEngine engine = closeAfter(TraceEngine.builder()
                .exporter(OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint()).build())
                .build());

        double bytes = RingApiExample.bytesPerSpan(engine, RingApiExampleTest::publishWithBuiltString, 5_000, ROUNDS, 2_000);

        assertTrue(bytes >= 16, "an allocating publisher must show up, measured " + bytes + " B/span");
    }

    private static void publishWithBuiltString(TraceEngine engine, long i) {
        long sequence = engine.claim();
        try {
            long now = engine.nowEpochNanos();
            engine.record(sequence).scope(RingApiExample.SCOPE).traceId(Ids.randomTraceIdHigh(), Ids.randomTraceIdLow())
                    .spanId(Ids.randomSpanId()).traceFlags(TraceContext.SAMPLED_FLAG).name(RingApiExample.MATCH_ORDER)
                    .kind(SpanKind.INTERNAL).startEpochNanos(now - 1000).endEpochNanos(now)
                    .attribute(RingApiExample.INSTRUMENT, "EUR" + i); // a new String per span
        } finally {
            engine.publish(sequence);
        }
    }
}
