package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.Resource;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.OverloadPolicy;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.OtlpReceiver;
import io.ringtrace.testkit.RecordingReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Requests queued behind in-flight ones that cannot finish soon go to the spool at once, not after
 * {@code spoolAfter}: waiting would keep their buffers while the engine's pool runs dry and the ring
 * fills. Here {@code spoolAfter} is 30 s and the retry policy would keep a request for up to 30 s,
 * while the ring holds 1.6 s of traffic: a spool that waited for either would drop spans as {@code
 * RING_FULL}. 5,000 spans/s for 6 s, the receiver down for 3 s in the middle, over gRPC (attempts
 * that fail, attempts that wait for a connection) and over HTTP (attempts that wait for their retry):
 * every span arrives exactly once and nothing is dropped.
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
        deliversEverySpanExactlyOnce(receiver, OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .timeout(Duration.ofSeconds(1))
                .retryPolicy(retries(Duration.ofMillis(200), Duration.ofMillis(500)))
                .spool(spool())
                .build());
    }

    /**
     * With the default 10 s timeout, the calls in flight when the receiver goes away wait for a
     * connection (wait-for-ready) for the whole 3 s outage and never fail: the requests waiting behind
     * them go to the spool as soon as the channel cannot connect, not after {@code spoolAfter}.
     */
    @Test
    void requestsWaitingBehindCallsThatWaitForAConnectionAreSpooledAtOnce() {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        deliversEverySpanExactlyOnce(receiver, OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .retryPolicy(retries(Duration.ofMillis(200), Duration.ofMillis(500)))
                .spool(spool())
                .build());
    }

    /**
     * Over HTTP a refused connection fails each attempt at once, and every in-flight request then waits
     * 5 s for its retry, longer than the ring holds: the requests waiting behind them go to the spool
     * at once, not after {@code spoolAfter} or the retries.
     */
    @Test
    void requestsWaitingBehindRequestsAwaitingTheirRetryAreSpooledAtOnce() {
        OtlpHttpReceiver receiver = closeAfter(OtlpHttpReceiver.start());
        deliversEverySpanExactlyOnce(receiver, OtlpHttpSpanExporter.builder()
                .endpoint(receiver.tracesUrl())
                .timeout(Duration.ofSeconds(1))
                .retryPolicy(retries(Duration.ofSeconds(5), Duration.ofSeconds(5)))
                .spool(spool())
                .build());
    }

    private static RetryPolicy retries(Duration initialBackoff, Duration maxBackoff) {
        return RetryPolicy.builder().initialBackoff(initialBackoff).maxBackoff(maxBackoff)
                .maxAttempts(50).maxElapsed(Duration.ofSeconds(30)).build();
    }

    private SpoolOptions spool() {
        return SpoolOptions.builder(dir).maxBytes(64 << 20).spoolAfter(Duration.ofSeconds(30)).build();
    }

    private void deliversEverySpanExactlyOnce(RecordingReceiver<?, ?> receiver, SpanExporter exporter) {
        TraceEngine engine = closeAfter(TraceEngine.builder()
                .resource(Resource.builder().attribute("service.name", "spool-pressure").build())
                .ringSize(8192)
                .maxExportBatchSize(100)
                .scheduleDelay(Duration.ofMillis(100))
                .overloadPolicy(OverloadPolicy.DROP)
                .exporter(exporter)
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
