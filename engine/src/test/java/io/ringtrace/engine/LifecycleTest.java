package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** close() and flush(): drain, export, count what cannot be exported, leak nothing. */
class LifecycleTest extends LeakCheckingTestBase {

    private final InMemorySpanExporter exporter = new InMemorySpanExporter();

    @Test
    void closeDrainsExportsStopsTheThreadAndFreesTheBuffersOnce() {
        TraceEngine engine = TraceEngine.builder().name("life").exporter(exporter).ringSize(64).build();
        assertTrue(ThreadAllocation.named("ringtrace-serializer-life").isDaemon());
        assertTrue(engine.offHeapBytesHeld() > 0);
        for (long id = 1; id <= 100; id++) {
            TestSpans.publish(engine, id, "/a");
        }
        assertTrue(engine.close(Duration.ofSeconds(10)));
        assertTrue(engine.close(Duration.ofSeconds(10)), "idempotent");
        engine.close();
        assertEquals(1, exporter.shutdownCalls());
        assertEquals(100, exporter.decodedSpans().size(), "close exports what was published before it");
        assertEquals(0, engine.offHeapBytesHeld());
        assertEquals(TraceEngine.CLOSED, engine.tryClaim());
        assertEquals(TraceEngine.CLOSED, engine.claim());
        assertFalse(engine.tracer(TestSpans.SCOPE).start(TestSpans.NAME).isValid());
        EngineStats stats = engine.stats(new EngineStats());
        assertTrue(stats.closed());
        assertEquals(2, stats.dropped(DropReason.SHUTDOWN), "the two claims after close");
        assertEquals(stats.published(), stats.exported() + stats.droppedTotal());
        // the leak-checking base class verifies the thread is gone and the native memory is freed
    }

    @Test
    void closeUnderLoadLosesNothingPublishedBeforeItBegan() throws Exception {
        TraceEngine engine = TraceEngine.builder().exporter(exporter).ringSize(256).maxExportBatchSize(64).build();
        int producers = 3;
        AtomicBoolean closeBegan = new AtomicBoolean();
        Set<Long> publishedBeforeClose = ConcurrentHashMap.newKeySet();
        Set<Long> publishedAll = ConcurrentHashMap.newKeySet();
        CountDownLatch running = new CountDownLatch(producers);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            long base = (p + 1L) << 40;
            Thread t = new Thread(() -> {
                running.countDown();
                for (long i = 1; i < 5_000_000; i++) {
                    boolean before = !closeBegan.get();
                    if (!TestSpans.publish(engine, base + i, "/load")) {
                        return; // CLOSED
                    }
                    publishedAll.add(base + i);
                    if (before) {
                        publishedBeforeClose.add(base + i);
                    }
                }
            }, "producer-" + p);
            t.start();
            threads.add(t);
        }
        running.await();
        // under load, not after a fixed sleep: a loaded 2-core machine may not run the producers at once
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (publishedBeforeClose.size() <= 1000 && System.nanoTime() - until < 0) {
            Thread.sleep(5);
        }
        closeBegan.set(true);
        boolean clean = engine.close(Duration.ofSeconds(10));
        for (Thread t : threads) {
            t.join(10_000);
            assertFalse(t.isAlive());
        }
        Set<Long> exported = new HashSet<>();
        for (io.opentelemetry.proto.trace.v1.Span span : exporter.decodedSpans()) {
            assertTrue(exported.add(TestSpans.idLong(span.getSpanId(), 0)), "exported twice");
        }
        assertTrue(publishedBeforeClose.size() > 1000, "the load ran: " + publishedBeforeClose.size());
        assertTrue(exported.containsAll(publishedBeforeClose), "a span published before close began was lost");
        assertTrue(publishedAll.containsAll(exported));
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(stats.published(), stats.exported() + stats.droppedTotal() + stats.inFlight(), stats::toString);
        assertEquals(0, stats.inFlight());
        assertEquals(exported.size(), stats.exported());
        assertEquals(stats.dropped(DropReason.SHUTDOWN), stats.droppedTotal(), "only SHUTDOWN drops: " + stats);
        assertEquals(publishedAll.size() - exported.size() + producers,
                stats.dropped(DropReason.SHUTDOWN), "unexported published spans + each producer's final CLOSED claim");
        if (clean) {
            assertEquals(publishedAll.size(), exported.size());
        }
    }

    @Test
    void closeCountsRequestsTheExporterDidNotCompleteAndFreesThemWhenTheyCompleteLate() {
        exporter.mode(InMemorySpanExporter.Mode.HOLD);
        TraceEngine engine = TraceEngine.builder().exporter(exporter).ringSize(16).maxExportBatchSize(5).build();
        for (long id = 1; id <= 12; id++) {
            TestSpans.publish(engine, id, "/a");
        }
        assertFalse(engine.close(Duration.ofMillis(300)), "held requests cannot be exported");
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(12, stats.dropped(DropReason.SHUTDOWN), stats::toString);
        assertEquals(0, stats.inFlight());
        assertEquals(12, stats.published());
        assertTrue(engine.offHeapBytesHeld() > 0, "buffers still lent to the exporter are not freed under it");
        List<ExportRequest> late = exporter.takeHeld();
        assertEquals(3, late.size());
        for (ExportRequest request : late) {
            request.succeeded(0); // too late: not counted again, but the buffer is freed now
        }
        assertEquals(0, engine.offHeapBytesHeld());
        assertEquals(0, engine.stats(new EngineStats()).exported());
        assertThrows(IllegalStateException.class, () -> late.get(0).succeeded(0), "completed twice");
    }

    @Test
    void flushAndCloseDuringASlowCloseKeepTheirOwnDeadlines() throws Exception {
        exporter.mode(InMemorySpanExporter.Mode.HOLD);
        TraceEngine engine = TraceEngine.builder().exporter(exporter).ringSize(16).build();
        TestSpans.publish(engine, 1, "/a");
        boolean[] closeResult = new boolean[1];
        // held by the exporter: close waits for it up to its 6 s deadline
        Thread closer = new Thread(() -> closeResult[0] = engine.close(Duration.ofSeconds(6)), "slow-closer");
        closer.start();
        while (!engine.isClosed()) {
            Thread.onSpinWait();
        }
        long start = System.nanoTime();
        boolean flushed = engine.flush(Duration.ofMillis(100));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertFalse(flushed, "a close still under way has not exported everything yet");
        // generous for a loaded machine, and still far below the 6 s a flush waiting for close would take
        assertTrue(tookMillis < 3_000, "flush(100 ms) waited " + tookMillis + " ms for close");
        start = System.nanoTime();
        assertFalse(engine.close(Duration.ofMillis(100)), "a second close: the first has not finished");
        tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMillis < 3_000, "close(100 ms) waited " + tookMillis + " ms for the first close");
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (exporter.heldCount() == 0 && System.nanoTime() - until < 0) {
            Thread.sleep(1);
        }
        assertEquals(1, exporter.completeHeld(1), "close sealed the span and handed it to the exporter");
        closer.join(20_000);
        assertFalse(closer.isAlive());
        assertTrue(closeResult[0], "close finished cleanly once the request was completed");
        assertTrue(engine.flush(Duration.ofMillis(100)), "after close: its result");
        RingApiTest.assertAccounting(engine, 1, 1);
    }

    @Test
    void anExporterThrowingFromExportCostsItsRequestAsExportFailedAndNothingElse() {
        // export() number 1 throws before completing, number 2 completes and then throws, the rest succeed
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        io.ringtrace.engine.export.SpanExporter throwing = new io.ringtrace.engine.export.SpanExporter() {
            @Override
            public void export(ExportRequest request) {
                int call = calls.incrementAndGet();
                if (call == 1) {
                    throw new IllegalStateException("exporter bug before completing");
                }
                exporter.export(request);
                if (call == 2) {
                    throw new IllegalStateException("exporter bug after completing");
                }
            }

            @Override
            public void shutdown(long deadlineNanoTime) {
                exporter.shutdown(deadlineNanoTime);
            }
        };
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(throwing).ringSize(64).requestBuffers(1)
                .maxExportBatchSize(5).build());
        for (long id = 1; id <= 20; id++) {
            TestSpans.publish(engine, id, "/a"); // 4 requests of 5 through a single buffer: each one came back
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(4, calls.get());
        assertEquals(15, exporter.decodedSpans().size());
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(5, stats.dropped(DropReason.EXPORT_FAILED), "only the request that was not completed: " + stats);
        assertEquals(5, stats.droppedTotal(), stats::toString);
        RingApiTest.assertAccounting(engine, 20, 15);
    }

    @Test
    void completingARequestTwiceIsRejected() {
        exporter.mode(InMemorySpanExporter.Mode.HOLD);
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter).ringSize(16).build());
        TestSpans.publish(engine, 1, "/a");
        assertFalse(engine.flush(Duration.ofMillis(50)));
        Await.until("the request reaches the holding exporter", Duration.ofSeconds(10), () -> exporter.heldCount() == 1);
        ExportRequest request = exporter.takeHeld().get(0);
        request.succeeded(0);
        assertThrows(IllegalStateException.class, () -> request.failed(DropReason.EXPORT_FAILED));
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        RingApiTest.assertAccounting(engine, 1, 1);
    }

    @Test
    void blockedProducersAreReleasedByClose() throws Exception {
        exporter.mode(InMemorySpanExporter.Mode.HOLD);
        TraceEngine engine = TraceEngine.builder().exporter(exporter).ringSize(2).requestBuffers(1)
                .maxExportBatchSize(1).overloadPolicy(OverloadPolicy.BLOCK).build();
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        java.util.concurrent.atomic.AtomicInteger ended = new java.util.concurrent.atomic.AtomicInteger();
        Thread producer = new Thread(() -> {
            for (int i = 0; i < 100; i++) {
                Span span = tracer.start(TestSpans.NAME); // after close: the no-op span, never published
                if (span.isValid()) {
                    ended.incrementAndGet();
                }
                span.end(); // blocks once the ring is full
            }
        }, "blocked-producer");
        producer.start();
        // 2 slots + 1 blocked: wait until the producer is parked in claim() on the full ring (the
        // only place it parks), not for a fixed time a loaded machine may not honour
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!(ended.get() >= 3 && parked(producer)) && producer.isAlive() && System.nanoTime() - until < 0) {
            Thread.sleep(1);
        }
        assertTrue(parked(producer), "the producer must be blocked on the full ring, but is "
                + producer.getState() + " after " + ended.get() + " spans");
        assertFalse(engine.close(Duration.ofMillis(200)));
        producer.join(5_000);
        assertFalse(producer.isAlive(), "close must release a producer blocked in claim()");
        for (ExportRequest request : exporter.takeHeld()) {
            request.succeeded(0);
        }
        EngineStats stats = engine.stats(new EngineStats());
        assertTrue(ended.get() >= 3, "2 slots + 1 blocked");
        assertEquals(ended.get(), stats.published(), stats::toString);
        assertEquals(0, stats.exported());
        assertEquals(stats.published(), stats.dropped(DropReason.SHUTDOWN),
                "held, ring and blocked spans all count as SHUTDOWN: " + stats);
        assertEquals(stats.published(), stats.exported() + stats.droppedTotal() + stats.inFlight(), stats::toString);
        assertEquals(0, stats.inFlight());
    }

    @Test
    void disabledEngineIsANoOp() {
        TraceEngine engine = TraceEngine.builder()
                .fromEnvironment(name -> name.equals("OTEL_SDK_DISABLED") ? "true" : null).build();
        assertTrue(engine.isDisabled());
        assertEquals(TraceEngine.DISABLED, engine.tryClaim());
        assertEquals(TraceEngine.DISABLED, engine.claim());
        Span span = engine.tracer(TestSpans.SCOPE).start(TestSpans.NAME);
        assertFalse(span.isValid());
        span.attribute(TestSpans.SEQ, 1L).end();
        assertTrue(engine.flush(Duration.ofMillis(10)));
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(0, stats.published());
        assertEquals(0, stats.droppedTotal());
        assertEquals(0, engine.offHeapBytesHeld());
        assertTrue(engine.close(Duration.ofSeconds(1)));
        assertSame(null, threadNamed("ringtrace-serializer-default"));
    }

    /** @return whether the thread waits in a park (BLOCK's wait for a free slot parks between checks) */
    private static boolean parked(Thread thread) {
        Thread.State state = thread.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }

    private static Thread threadNamed(String name) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(name)) {
                return t;
            }
        }
        return null;
    }
}
