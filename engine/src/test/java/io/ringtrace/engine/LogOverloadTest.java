package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.logs.v1.LogRecord;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Overload on the log pipeline: the exporter holds every request, so the request buffers run out,
 * the serializer waits and the ring fills. Under {@code DROP}, with three producers flooding it,
 * every snapshot taken meanwhile adds up, every refused record is counted {@code RING_FULL}, and
 * once the exporter completes the held requests everything published is exported or counted.
 * Under {@code BLOCK}, a record that waits for room carries the time of its call.
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

    @Test
    void underBlockARecordThatWaitedForRoomCarriesTheTimeOfItsCallNotOfTheRoom() throws Exception {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        exporter.mode(InMemorySpanExporter.Mode.HOLD);
        LogEngine logs = closeAfter(LogEngine.builder().name("log-block-time").exporter(exporter).ringSize(64)
                .requestBuffers(2).maxExportBatchSize(32).scheduleDelay(Duration.ofMillis(5))
                .overloadPolicy(OverloadPolicy.BLOCK).build());
        Logger logger = logs.logger(InstrumentationScope.of("block"));
        int records = 1_000; // far more than the ring and the two held requests take
        AtomicLong called = new AtomicLong(-1);
        AtomicLong returned = new AtomicLong(-1);
        Thread producer = new Thread(() -> {
            for (long i = 0; i < records; i++) {
                called.set(i);
                logger.atInfo().attribute(SEQ, i).emit();
                returned.set(i);
            }
        }, "log-block-producer");
        producer.setDaemon(true);
        producer.start();

        long waiting = -1; // the call that waits for room: begun, not returned, and still so 200 ms later
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (waiting < 0 && System.nanoTime() < deadline) {
            long c = called.get();
            if (c == returned.get() + 1) {
                Thread.sleep(200);
                if (called.get() == c && returned.get() == c - 1) {
                    waiting = c;
                }
            } else {
                Thread.sleep(1);
            }
        }
        assertTrue(waiting > 0, "the producer never waited for room: called " + called + ", returned " + returned);
        long whileWaiting = logs.nowEpochNanos();
        long waitingCall = waiting;

        exporter.mode(InMemorySpanExporter.Mode.SUCCEED);
        Await.until("the producer finished", Duration.ofSeconds(10), () -> {
            exporter.completeHeld(Integer.MAX_VALUE);
            return !producer.isAlive();
        });
        Await.until("every record exported", Duration.ofSeconds(10), () -> {
            exporter.completeHeld(Integer.MAX_VALUE);
            return logs.flush(Duration.ofMillis(100));
        });
        List<LogRecord> exported = exporter.decodedLogRecords();
        assertEquals(records, exported.size(), "BLOCK loses nothing");
        LogRecord waited = exported.stream().filter(r -> r.getAttributes(0).getValue().getIntValue() == waitingCall)
                .findFirst().orElseThrow();
        assertTrue(waited.getTimeUnixNano() < whileWaiting,
                "timed when it was called, before it waited: " + waited.getTimeUnixNano() + " >= " + whileWaiting);
        assertEquals(waited.getTimeUnixNano(), waited.getObservedTimeUnixNano());
    }
}
