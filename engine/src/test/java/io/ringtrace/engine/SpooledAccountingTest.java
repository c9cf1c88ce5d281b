package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.export.SpoolLedger;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Spooled spans are a state of their own: requests an exporter completes with
 * {@link ExportRequest#spooled()} leave {@code inFlight} for {@code spooled}, and its later reports
 * through the bound {@link SpoolLedger} move them to exported or dropped, so
 * {@code published = exported + dropped + inFlight + spooled} holds in every snapshot, also while
 * another thread moves them. Spans recovered from an earlier process are counted apart.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpooledAccountingTest extends LeakCheckingTestBase {

    /** Spools every request, remembering its span count. */
    private static final class SpoolingExporter implements SpanExporter {
        volatile SpoolLedger ledger;
        volatile Signal boundSignal;
        final ConcurrentLinkedQueue<Integer> spooled = new ConcurrentLinkedQueue<>();

        @Override
        public void bindSpool(Signal signal, SpoolLedger ledger) {
            this.boundSignal = signal;
            this.ledger = ledger;
        }

        @Override
        public void export(ExportRequest request) {
            int spans = request.spanCount();
            request.spooled();
            spooled.add(spans);
        }

        @Override
        public void shutdown(long deadlineNanoTime) {}
    }

    private static void assertAddsUp(EngineStats s) {
        assertEquals(s.published(), s.exported() + s.droppedTotal() + s.inFlight() + s.spooled(), s.toString());
    }

    @Test
    void spooledSpansLeaveTheirStateOnceDeliveredOrDropped() {
        SpoolingExporter exporter = new SpoolingExporter();
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter).ringSize(256).maxExportBatchSize(10)
                .build());
        assertEquals(Signal.TRACES, exporter.boundSignal, "the engine binds its ledger at build");
        exporter.ledger.recovered(500, 2); // an earlier process's spool: outside the accounting
        for (long id = 1; id <= 100; id++) {
            TestSpans.publish(engine, id, "/a");
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        EngineStats stats = engine.stats(new EngineStats());
        assertAddsUp(stats);
        assertEquals(100, stats.spooled());
        assertEquals(0, stats.inFlight());
        assertEquals(0, stats.exported());
        assertEquals(500, stats.spooledRecovered());
        assertEquals(2, stats.spoolCorruptRecords());

        SpoolLedger ledger = exporter.ledger;
        ledger.delivered(60, 5, false); // 55 exported, 5 rejected by the receiver
        ledger.dropped(10, DropReason.SPOOL_FULL, false);
        ledger.delivered(400, 0, true);
        ledger.dropped(20, DropReason.SPOOL_EXPIRED, true);
        ledger.spoolSize(4096, 3, System.currentTimeMillis() - 2_000);
        engine.stats(stats);
        assertAddsUp(stats);
        assertEquals(30, stats.spooled());
        assertEquals(55, stats.exported());
        assertEquals(5, stats.dropped(DropReason.REJECTED));
        assertEquals(10, stats.dropped(DropReason.SPOOL_FULL));
        assertEquals(10, engine.dropped(DropReason.SPOOL_FULL));
        assertEquals(400, stats.spooledRecoveredExported());
        assertEquals(20, stats.spooledRecoveredDropped());
        assertEquals(0, stats.dropped(DropReason.SPOOL_EXPIRED), "recovered drops are not this engine's");
        assertEquals(4096, stats.spoolBytes());
        assertEquals(3, stats.spoolRecords());
        assertTrue(stats.spoolOldestAgeMillis() >= 2_000, stats.toString());
        assertThrows(IllegalArgumentException.class, () -> ledger.dropped(1, null, false));
    }

    @Test
    void everySnapshotAddsUpWhileSpooledSpansMove() throws InterruptedException {
        SpoolingExporter exporter = new SpoolingExporter();
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter).ringSize(1024).maxExportBatchSize(7)
                .build());
        AtomicBoolean done = new AtomicBoolean();
        Thread replayer = new Thread(() -> { // an exporter's spool thread, replaying as requests come
            int n = 0;
            while (!done.get() || !exporter.spooled.isEmpty()) {
                Integer spans = exporter.spooled.poll();
                if (spans == null) {
                    Thread.onSpinWait();
                    continue;
                }
                if (n++ % 3 == 0) {
                    exporter.ledger.dropped(spans, DropReason.SPOOL_EXPIRED, false);
                } else {
                    exporter.ledger.delivered(spans, spans / 3, false); // partial success: exported, then REJECTED
                }
            }
        }, "spool-replayer");
        replayer.start();
        EngineStats stats = new EngineStats();
        for (long id = 1; id <= 20_000; id++) {
            TestSpans.publish(engine, id, "/a");
            if (id % 97 == 0) {
                assertAddsUp(engine.stats(stats));
            }
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        done.set(true);
        replayer.join(10_000);
        engine.stats(stats);
        assertAddsUp(stats);
        assertEquals(0, stats.spooled());
        assertEquals(20_000, stats.published());
        assertSame(null, exporter.spooled.poll());
    }
}
