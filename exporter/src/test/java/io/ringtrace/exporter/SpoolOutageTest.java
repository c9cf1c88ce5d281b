package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.Resource;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.OverloadPolicy;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.export.DropReason;
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
 * The receiver goes away while an engine publishes at a paced rate, and comes back on the same port.
 * It is stopped between two requests (a flush first): one stopped mid-request may have stored a
 * request whose reply is lost, and delivery is at least once. With the spool on, every span arrives
 * exactly once after its return (decoded at the receiver and compared by id), the engine's accounting holds at every snapshot with spooled spans as a state of
 * their own, and the spool ends empty. With the spool off, the same outage loses spans, each counted
 * with its reason.
 *
 * <p>Scaled down to run in a test on a shared 2-core machine: 2,000 spans/s for 6 s with the receiver
 * down for 3 s (about 6,000 spans during the outage), per-attempt timeout 1 s, {@code spoolAfter}
 * 500 ms, a ring of 4,096 slots (2 s of traffic: the ring must hold what arrives until the spool
 * takes over, {@code spoolAfter} and a tick), batches of 100. The full scenario, 50,000 spans/s with
 * the receiver down 30 s, is the same test at another scale, opt-in:
 * {@code mvn -B -o -pl exporter -am verify -Dtest=SpoolOutageTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dspool.outage.rate=50000 -Dspool.outage.downSeconds=30}; its spool is sized to hold the whole run.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SpoolOutageTest extends LeakCheckingTestBase {

    // -Dspool.outage.rate=50000 -Dspool.outage.downSeconds=30 runs the full scenario (not part of the build)
    private static final int RATE = Integer.getInteger("spool.outage.rate", 2_000);
    private static final long DOWN_FOR_MILLIS = 1_000L * Integer.getInteger("spool.outage.downSeconds", 3);
    private static final long DOWN_AT_MILLIS = 1_500;
    private static final long RUN_MILLIS = DOWN_AT_MILLIS + DOWN_FOR_MILLIS + 1_500;
    /** The ring holds 2 s of traffic: more than spoolAfter plus the time to notice. */
    private static final int RING_SIZE = Integer.highestOneBit(Math.max(1024, RATE * 2 - 1)) << 1;
    /** Batches of 100 at the test's rate; at higher rates 1% of a second, so requests stay ~10 a second per 1,000 spans. */
    private static final int BATCH = Math.max(100, Math.min(2_000, RATE / 100));
    /**
     * The spool holds the whole run with room to spare (these spans take ~80 B in a request; 160 B
     * each, at least 64 MiB): a smaller bound would drop the outage's oldest spans, counted
     * {@code SPOOL_FULL}, which is the bound doing its job and not what this test is about.
     */
    private static final long SPOOL_MAX_BYTES = Math.max(64L << 20, RATE * RUN_MILLIS / 1000 * 160);

    @TempDir
    Path dir;

    private TraceEngine engine(OtlpReceiver receiver, boolean spool) {
        OtlpGrpcSpanExporterBuilder exporter = OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .timeout(Duration.ofSeconds(1))
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(200))
                        .maxBackoff(Duration.ofMillis(500)).maxAttempts(5).maxElapsed(Duration.ofSeconds(5)).build());
        if (spool) {
            exporter.spool(SpoolOptions.builder(dir).maxBytes(SPOOL_MAX_BYTES).spoolAfter(Duration.ofMillis(500)).build());
        }
        return engineWith(exporter.build());
    }

    private TraceEngine engineWith(io.ringtrace.engine.export.SpanExporter exporter) {
        return closeAfter(TraceEngine.builder()
                .resource(Resource.builder().attribute("service.name", "spool-outage").build())
                .ringSize(RING_SIZE)
                .maxExportBatchSize(BATCH)
                .scheduleDelay(Duration.ofMillis(100))
                .overloadPolicy(OverloadPolicy.DROP)
                .exporter(exporter)
                .build());
    }

    @Test
    void withTheSpoolEverySpanArrivesExactlyOnceAfterTheReceiverReturns() {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        everySpanArrivesOnce(receiver, engine(receiver, true));
    }

    /** Over HTTP, and with the once-a-second {@code msync} on (the default is none), which runs several times here. */
    @Test
    void overHttpToo() {
        OtlpHttpReceiver receiver = closeAfter(OtlpHttpReceiver.start());
        OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder()
                .endpoint(receiver.tracesUrl())
                .timeout(Duration.ofSeconds(1))
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(200))
                        .maxBackoff(Duration.ofMillis(500)).maxAttempts(5).maxElapsed(Duration.ofSeconds(5)).build())
                .spool(SpoolOptions.builder(dir).maxBytes(SPOOL_MAX_BYTES).spoolAfter(Duration.ofMillis(500))
                        .fsync(SpoolOptions.Fsync.PERIODIC).build())
                .build();
        everySpanArrivesOnce(receiver, engineWith(exporter));
    }

    private void everySpanArrivesOnce(RecordingReceiver<?, ?> receiver, TraceEngine engine) {
        EngineStats stats = new EngineStats();
        long total = RATE * RUN_MILLIS / 1000;
        long maxSpooled = 0;
        long start = System.nanoTime();
        boolean down = false;
        boolean back = false;
        for (long id = 1; id <= total; id++) {
            pace(start, id);
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            if (!down && elapsedMillis >= DOWN_AT_MILLIS) {
                // between requests: a receiver stopped mid-request may store one whose reply never
                // comes, which at-least-once delivery sends again (a bounded duplicate, by design)
                assertTrue(engine.flush(Duration.ofSeconds(10)));
                receiver.stop();
                down = true;
            } else if (down && !back && elapsedMillis >= DOWN_AT_MILLIS + DOWN_FOR_MILLIS) {
                receiver.startServing();
                back = true;
            }
            SpoolSpans.tryPublish(engine, id); // as without the spool: a full ring would drop, counted
            if (id % 200 == 0) {
                engine.stats(stats);
                assertAddsUp(stats);
                maxSpooled = Math.max(maxSpooled, stats.spooled());
            }
        }
        assertTrue(back, "the receiver came back during the run");
        Await.until(() -> "every span at the receiver: " + engine.stats(new EngineStats()), Duration.ofSeconds(60),
                () -> receiver.spanCount() >= total && engine.stats(stats).spooled() == 0 && stats.inFlight() == 0);
        engine.stats(stats);
        assertAddsUp(stats);
        assertTrue(maxSpooled > 0, "spans were spooled during the outage: " + stats);
        assertEquals(0, stats.droppedTotal(), "nothing lost: " + stats);
        assertEquals(total, stats.exported(), stats.toString());
        Map<Long, Integer> received = SpoolSpans.received(receiver);
        assertEquals(total, received.size(), "every id arrived");
        for (long id = 1; id <= total; id++) {
            assertEquals(1, received.getOrDefault(id, 0), "span " + id + " arrived once");
        }
        Await.until("the spool is empty: " + stats, Duration.ofSeconds(10),
                () -> engine.stats(stats).spoolRecords() == 0);
        System.out.println("spool outage (" + receiver.getClass().getSimpleName() + "): " + total + " spans, at most "
                + maxSpooled + " spooled at once, " + stats);
    }

    @Test
    void withoutTheSpoolTheOutageLosesSpansCounted() {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        TraceEngine engine = engine(receiver, false);
        EngineStats stats = new EngineStats();
        long total = RATE * RUN_MILLIS / 1000;
        long start = System.nanoTime();
        boolean down = false;
        boolean back = false;
        for (long id = 1; id <= total; id++) {
            pace(start, id);
            long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
            if (!down && elapsedMillis >= DOWN_AT_MILLIS) {
                // between requests: a receiver stopped mid-request may store one whose reply never
                // comes, which at-least-once delivery sends again (a bounded duplicate, by design)
                assertTrue(engine.flush(Duration.ofSeconds(10)));
                receiver.stop();
                down = true;
            } else if (down && !back && elapsedMillis >= DOWN_AT_MILLIS + DOWN_FOR_MILLIS) {
                receiver.startServing();
                back = true;
            }
            SpoolSpans.tryPublish(engine, id); // a full ring drops, counted RING_FULL
        }
        Await.until(() -> "settled: " + engine.stats(new EngineStats()), Duration.ofSeconds(60),
                () -> engine.stats(stats).inFlight() == 0);
        assertAddsUp(stats);
        assertEquals(0, stats.spooled());
        assertTrue(stats.dropped(DropReason.RING_FULL) + stats.dropped(DropReason.EXPORT_FAILED) > 0,
                "the outage lost spans, counted: " + stats);
        assertEquals(stats.exported(), SpoolSpans.received(receiver).size(), "what was exported arrived");
        System.out.println("no spool: " + stats);
    }

    /** Publishes spans 1 to {@code count} to an engine while {@code receiver} is down, and closes it. */
    private EngineStats closedDuringAnOutage(OtlpReceiver receiver, long count) {
        receiver.stop();
        TraceEngine engine = engine(receiver, true);
        for (long id = 1; id <= count; id++) {
            SpoolSpans.tryPublish(engine, id);
        }
        engine.close(Duration.ofSeconds(2)); // whatever the deadline cuts is spooled, not lost
        return engine.stats(new EngineStats());
    }

    @Test
    void aCloseDuringAnOutageLeavesTheRestOnDiskForTheNextEngine() {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        EngineStats stats = closedDuringAnOutage(receiver, 1_000);
        assertAddsUp(stats);
        assertEquals(0, stats.droppedTotal(), "nothing lost at close: " + stats);
        assertEquals(1_000, stats.spooled(), "everything on disk: " + stats);

        receiver.startServing();
        TraceEngine next = engine(receiver, true);
        Await.until(() -> "recovered and delivered: " + next.stats(new EngineStats()), Duration.ofSeconds(60),
                () -> next.stats(stats).spooledRecoveredExported() == 1_000);
        assertEquals(1_000, stats.spooledRecovered());
        Map<Long, Integer> received = SpoolSpans.received(receiver);
        assertEquals(1_000, received.size());
        received.values().forEach(times -> assertEquals(1, times));
    }

    /**
     * A replay goes out only on a connection that is up: with the receiver still down it fails at once
     * (and is retried) instead of waiting for a reconnect until its 60 s deadline. A replay that
     * waited could be sent just before that deadline and be answered just after it: the receiver would
     * have the record and get it again.
     */
    @Test
    void aReplayNeverWaitsForTheConnection() {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        assertEquals(500, closedDuringAnOutage(receiver, 500).spooled());

        TraceEngine next = engineWith(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .timeout(Duration.ofSeconds(60))
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(100))
                        .maxBackoff(Duration.ofMillis(200)).maxAttempts(5).maxElapsed(Duration.ofSeconds(5)).build())
                .spool(SpoolOptions.builder(dir).maxBytes(SPOOL_MAX_BYTES).spoolAfter(Duration.ofMillis(500)).build())
                .build());
        EngineStats stats = new EngineStats();
        Await.until(() -> "replays failing at once while the receiver is down: " + next.stats(new EngineStats()),
                Duration.ofSeconds(20), () -> next.stats(stats).retries() >= 3);
        assertEquals(0, stats.spooledRecoveredExported(), stats.toString());

        receiver.startServing();
        Await.until(() -> "recovered and delivered: " + next.stats(new EngineStats()), Duration.ofSeconds(30),
                () -> next.stats(stats).spooledRecoveredExported() == 500);
        Map<Long, Integer> received = SpoolSpans.received(receiver);
        assertEquals(500, received.size());
        received.values().forEach(times -> assertEquals(1, times));
    }

    @Test
    void aFullSpoolDropsItsOldestCountedAndDeliversTheRest() {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.start());
        receiver.stop();
        OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .timeout(Duration.ofSeconds(1))
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(200))
                        .maxBackoff(Duration.ofMillis(500)).maxAttempts(5).maxElapsed(Duration.ofSeconds(5)).build())
                .spool(SpoolOptions.builder(dir).maxBytes(2 << 20).segmentBytes(256 << 10)
                        .spoolAfter(Duration.ofMillis(500)).build())
                .build();
        TraceEngine engine = engineWith(exporter);
        EngineStats stats = new EngineStats();
        long total = 40_000; // ~3.2 MB of requests into a 2 MiB spool
        for (long id = 1; id <= 1_000; id++) {
            SpoolSpans.tryPublish(engine, id);
        }
        // the outage begins once the first requests have waited spoolAfter; from then on all goes to disk
        Await.until(() -> "the outage began: " + engine.stats(new EngineStats()), Duration.ofSeconds(30),
                () -> engine.stats(stats).spooled() > 0);
        for (long id = 1_001; id <= total; id++) {
            SpoolSpans.tryPublish(engine, id);
            if (id % 1_000 == 0) {
                assertAddsUp(engine.stats(stats));
                LockSupport.parkNanos(20_000_000); // ~40k spans/s: the ring never fills
            }
        }
        Await.until(() -> "all spooled or dropped: " + engine.stats(new EngineStats()), Duration.ofSeconds(30),
                () -> engine.stats(stats).inFlight() == 0);
        assertAddsUp(stats);
        assertTrue(stats.dropped(DropReason.SPOOL_FULL) > 0, "the oldest records made room: " + stats);
        assertTrue(stats.spoolBytes() <= 2 << 20, "the bound holds: " + stats);
        assertEquals(0, stats.dropped(DropReason.RING_FULL), stats.toString());

        receiver.startServing();
        Await.until(() -> "the rest delivered: " + engine.stats(new EngineStats()), Duration.ofSeconds(60),
                () -> engine.stats(stats).spooled() == 0);
        assertAddsUp(stats);
        assertEquals(total, stats.exported() + stats.dropped(DropReason.SPOOL_FULL), stats.toString());
        Map<Long, Integer> received = SpoolSpans.received(receiver);
        assertEquals(stats.exported(), received.size());
        received.values().forEach(times -> assertEquals(1, times));
        Await.until("no record left behind: " + stats, Duration.ofSeconds(10),
                () -> engine.stats(stats).spoolRecords() == 0);
        System.out.println("full spool: " + stats);
    }

    private static void pace(long start, long id) {
        long dueNanos = start + (id * 1_000_000_000L) / RATE;
        while (System.nanoTime() - dueNanos < 0) {
            LockSupport.parkNanos(200_000);
        }
    }

    private static void assertAddsUp(EngineStats s) {
        assertEquals(s.published(), s.exported() + s.droppedTotal() + s.inFlight() + s.spooled(), s.toString());
    }
}
