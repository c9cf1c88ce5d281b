package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.Resource;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.OverloadPolicy;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.testkit.OtlpReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed request with others queued behind it goes to the spool at once, not after {@code
 * spoolAfter}: waiting for its retry would keep its buffer while the engine's pool runs dry and the
 * ring fills. Here {@code spoolAfter} is 30 s and the retry policy would keep a request for up to
 * 10 s, while the ring holds 1.6 s of traffic (more than the 1 s an attempt may hang when the
 * receiver goes away mid-call): a spool that waited for either would drop spans as {@code
 * RING_FULL}. 5,000 spans/s for 6 s, the receiver down for 3 s in the middle: every span arrives
 * exactly once and nothing is dropped.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpoolUnderPressureTest extends LeakCheckingTestBase {

    private static final int RATE = 5_000;
    private static final long DOWN_AT_MILLIS = 1_000;
    private static final long DOWN_FOR_MILLIS = 3_000;
    private static final long RUN_MILLIS = 6_000;

    @TempDir
    Path dir;

    @Test
    void aFailedRequestWithOthersWaitingIsSpooledAtOnce() {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        TraceEngine engine = closeAfter(TraceEngine.builder()
                .resource(Resource.builder().attribute("service.name", "spool-pressure").build())
                .ringSize(8192)
                .maxExportBatchSize(100)
                .scheduleDelay(Duration.ofMillis(100))
                .overloadPolicy(OverloadPolicy.DROP)
                .exporter(OtlpGrpcSpanExporter.builder()
                        .endpoint(receiver.endpoint())
                        .timeout(Duration.ofSeconds(1))
                        .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(200))
                                .maxBackoff(Duration.ofMillis(500)).maxAttempts(50).maxElapsed(Duration.ofSeconds(10)).build())
                        .spool(SpoolOptions.builder(dir).maxBytes(64 << 20).spoolAfter(Duration.ofSeconds(30)).build())
                        .build())
                .build());
        EngineStats stats = new EngineStats();
        long total = RATE * RUN_MILLIS / 1000;
        long start = System.nanoTime();
        boolean down = false;
        boolean back = false;
        for (long id = 1; id <= total; id++) {
            long dueNanos = start + (id * 1_000_000_000L) / RATE;
            while (System.nanoTime() - dueNanos < 0) {
                LockSupport.parkNanos(200_000);
            }
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            if (!down && elapsedMillis >= DOWN_AT_MILLIS) {
                assertTrue(engine.flush(Duration.ofSeconds(10))); // between requests: see SpoolOutageTest
                receiver.stop();
                down = true;
            } else if (down && !back && elapsedMillis >= DOWN_AT_MILLIS + DOWN_FOR_MILLIS) {
                receiver.startServing();
                back = true;
            }
            SpoolSpans.tryPublish(engine, id); // a full ring drops, counted
        }
        assertTrue(back, "the receiver came back during the run");
        Await.until(() -> "every span delivered or dropped: " + engine.stats(new EngineStats()), Duration.ofSeconds(60),
                () -> engine.stats(stats).exported() + stats.droppedTotal() >= total && stats.spooled() == 0
                        && stats.inFlight() == 0);
        engine.stats(stats);
        assertEquals(stats.published(), stats.exported() + stats.droppedTotal() + stats.inFlight() + stats.spooled(),
                stats.toString());
        assertEquals(0, stats.droppedTotal(), "nothing dropped: " + stats);
        Await.until("every exported span at the receiver", Duration.ofSeconds(10), () -> receiver.spans().size() >= total);
        Map<Long, Integer> received = SpoolSpans.received(receiver);
        assertEquals(total, received.size(), "every id arrived");
        received.values().forEach(times -> assertEquals(1, times));
    }
}
