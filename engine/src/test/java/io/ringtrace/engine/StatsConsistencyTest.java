package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Every stats snapshot adds up ({@code published == exported + dropped + inFlight}), also while
 * spans move through every stage: taken from the ring, sealed into small requests, completed on
 * another thread with success, partial success and failure, and dropped at the edge. A snapshot
 * never reads a seal half done.
 */
class StatsConsistencyTest extends LeakCheckingTestBase {

    private static final long RUN_NANOS = TimeUnit.MILLISECONDS.toNanos(1_500);
    private static final int BATCH = 8;
    private static final int BUFFERS = 4;

    /** Completes requests on its own thread: success, partial success (1 rejected) and failure in turn. */
    private static final class CompletingExporter implements SpanExporter, Runnable {
        private final ArrayBlockingQueue<ExportRequest> queue = new ArrayBlockingQueue<>(16);
        private final Thread thread = new Thread(this, "stats-completer");
        private volatile boolean stop;
        private long completed;

        CompletingExporter() {
            thread.start();
        }

        @Override
        public void export(ExportRequest request) {
            if (!queue.offer(request)) {
                throw new IllegalStateException("more requests than buffers"); // cannot happen: 16 > BUFFERS
            }
        }

        @Override
        public void run() {
            while (!stop || !queue.isEmpty()) {
                ExportRequest request;
                try {
                    request = queue.poll(1, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                if (request == null) {
                    continue;
                }
                switch ((int) (completed++ % 3)) {
                    case 0:
                        request.succeeded(0);
                        break;
                    case 1:
                        request.succeeded(1);
                        break;
                    default:
                        request.failed(DropReason.EXPORT_FAILED);
                }
            }
        }

        @Override
        public void shutdown(long deadlineNanoTime) {
            stop = true;
            try {
                thread.join(TimeUnit.NANOSECONDS.toMillis(Math.max(0, deadlineNanoTime - System.nanoTime())) + 1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aSnapshotWaitsForASealUnderWayRatherThanReadHalfOfIt() throws Exception {
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(new InMemorySpanExporter()).ringSize(64)
                .scheduleDelay(Duration.ofSeconds(30)).build());
        TestSpans.publish(engine, 1, "/a");
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (engine.stats(new EngineStats()).openRequestSpans() == 0 && System.nanoTime() - until < 0) {
            Thread.sleep(1);
        }
        // the idle serializer writes no counter now: this thread plays a serializer stopped inside a seal
        engine.counters.beginSerializerUpdate();
        AtomicLong returnedAt = new AtomicLong();
        EngineStats seen = new EngineStats();
        Thread reader = new Thread(() -> {
            engine.stats(seen);
            returnedAt.set(System.nanoTime());
        }, "stats-reader");
        long sealStart = System.nanoTime();
        reader.start();
        // The reader yields only once its spins have found the seal still under way: seen yielding
        // (not returned), it is waiting for the seal. A reader that read half a seal returns instead.
        Await.until("the reader waiting for the seal, or returned", Duration.ofSeconds(5),
                () -> returnedAt.get() != 0 || yielding(reader));
        long sealEnd = System.nanoTime();
        engine.counters.endSerializerUpdate();
        reader.join(5_000);
        assertTrue(returnedAt.get() - sealEnd >= 0,
                "stats() returned " + (sealEnd - returnedAt.get()) / 1_000_000 + " ms before the seal ended");
        assertTrue(returnedAt.get() - sealStart < Duration.ofSeconds(5).toNanos());
        assertEquals(1, seen.openRequestSpans(), seen::toString);
        assertEquals(seen.published(), seen.exported() + seen.droppedTotal() + seen.inFlight(), seen::toString);
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        RingApiTest.assertAccounting(engine, 1, 1);
    }

    private static boolean yielding(Thread thread) {
        for (StackTraceElement frame : thread.getStackTrace()) {
            if (frame.getClassName().equals(Thread.class.getName()) && frame.getMethodName().equals("yield")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void everySnapshotAddsUpUnderAFlatOutProducer() throws Exception {
        CompletingExporter exporter = new CompletingExporter();
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter).ringSize(1024)
                .maxExportBatchSize(BATCH).requestBuffers(BUFFERS).build());
        AtomicBoolean stop = new AtomicBoolean();
        Thread producer = new Thread(() -> {
            long id = 0;
            while (!stop.get() && id < 50_000_000) {
                long seq = engine.tryClaim(); // DROP: a full ring counts RING_FULL at the edge
                if (seq >= 0) {
                    try {
                        TestSpans.fill(engine.record(seq), ++id, "/flat-out");
                    } finally {
                        engine.publish(seq);
                    }
                }
            }
        }, "stats-producer");
        producer.start();
        EngineStats stats = new EngineStats();
        long snapshots = 0;
        long moving = 0;
        long start = System.nanoTime();
        try {
            while (System.nanoTime() - start < RUN_NANOS) {
                engine.stats(stats);
                snapshots++;
                if (stats.inFlight() > 0) {
                    moving++;
                }
                assertEquals(stats.published(), stats.exported() + stats.droppedTotal() + stats.inFlight(),
                        "snapshot " + snapshots + " does not add up: " + stats);
                // and each part is one the pipeline can hold: no span is seen in two stages or in none
                assertTrue(stats.ringBacklog() >= 0 && stats.ringBacklog() <= stats.ringCapacity(), stats::toString);
                assertTrue(stats.openRequestSpans() >= 0 && stats.openRequestSpans() <= BATCH, stats::toString);
                assertTrue(stats.requestSpansOutstanding() >= 0, stats::toString);
            }
        } finally {
            stop.set(true);
            producer.join(10_000);
        }
        assertTrue(snapshots > 1_000 && moving > snapshots / 10,
                "the snapshots were taken while spans moved: " + moving + " of " + snapshots);
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        engine.stats(stats);
        assertTrue(stats.exported() > 0 && stats.dropped(DropReason.REJECTED) > 0
                && stats.dropped(DropReason.EXPORT_FAILED) > 0, stats::toString);
        assertEquals(0, stats.inFlight(), stats::toString);
        assertEquals(stats.published(), stats.exported() + stats.droppedTotal(), stats::toString);
    }
}
