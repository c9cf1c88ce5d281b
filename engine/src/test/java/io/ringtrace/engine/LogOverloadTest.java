package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Overload under {@code DROP} on the log pipeline: three producers flood a small ring while the
 * exporter holds every request, so the request buffers run out, the serializer waits and the ring
 * fills. Every snapshot taken meanwhile adds up, every refused record is counted {@code RING_FULL},
 * and once the exporter completes the held requests everything published is exported or counted.
 */
class LogOverloadTest extends LeakCheckingTestBase {

    private static final int PRODUCERS = 3;
    private static final int RECORDS_PER_PRODUCER = 20_000;
    private static final Utf8Constant SEQ = Utf8Constant.of("seq");

    @Test
    void dropPolicyCountsEveryRefusedRecordAndTheAccountingHolds() throws Exception {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        exporter.mode(InMemorySpanExporter.Mode.HOLD);
        LogEngine logs = closeAfter(LogEngine.builder().name("log-overload").exporter(exporter).ringSize(64)
                .requestBuffers(2).maxExportBatchSize(32).scheduleDelay(Duration.ofMillis(5)).build());
        Logger logger = logs.logger(InstrumentationScope.of("overload"));
        AtomicBoolean inconsistent = new AtomicBoolean();
        Thread[] threads = new Thread[PRODUCERS];
        for (int p = 0; p < PRODUCERS; p++) {
            threads[p] = new Thread(() -> {
                for (long i = 0; i < RECORDS_PER_PRODUCER; i++) {
                    logger.atWarn().body("flood").attribute(SEQ, i).emit(); // never blocks under DROP
                }
            }, "log-overload-" + p);
            threads[p].start();
        }
        EngineStats stats = new EngineStats();
        for (Thread t : threads) {
            while (t.isAlive()) {
                logs.stats(stats);
                if (stats.published() != stats.exported() + stats.droppedTotal() + stats.inFlight()) {
                    inconsistent.set(true);
                }
                t.join(1);
            }
        }
        logs.stats(stats);
        long published = (long) PRODUCERS * RECORDS_PER_PRODUCER;
        assertEquals(published, stats.published(), "every emit is published once: claimed or refused");
        assertTrue(stats.dropped(DropReason.RING_FULL) > 0, "the ring filled: " + stats);
        assertTrue(stats.inFlight() <= 64 + 2 * 32, "at most a ring and two requests in flight: " + stats);
        assertEquals(published, stats.exported() + stats.droppedTotal() + stats.inFlight());

        exporter.mode(InMemorySpanExporter.Mode.SUCCEED);
        Await.until("held requests completed", Duration.ofSeconds(10), () -> {
            exporter.completeHeld(Integer.MAX_VALUE);
            return logs.flush(Duration.ofMillis(100));
        });
        logs.stats(stats);
        assertEquals(0, stats.inFlight(), stats.toString());
        assertEquals(published, stats.exported() + stats.droppedTotal(), stats.toString());
        assertEquals(stats.exported(), exporter.decodedLogRecords().size(), "every exported record arrived once");
        assertEquals(stats.dropped(DropReason.RING_FULL), stats.droppedTotal(), "ring full is the only loss");
        assertTrue(!inconsistent.get(), "a snapshot under load did not add up");
    }
}
