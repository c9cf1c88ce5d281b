package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The export SPI's ownership rule: {@code export()} either throws before taking the request (the
 * engine fails it and counts it) or owns it and completes it exactly once. A handle the exporter
 * kept from a call that threw is stale: completing it is rejected and never completes the later
 * request that reuses the same buffer.
 */
class ExportOwnershipTest extends LeakCheckingTestBase {

    /**
     * The first {@code export()} keeps the request and throws (an exporter bug: it queued the request,
     * then failed); later calls hold their requests until the test sends them.
     */
    private static final class KeepThenThrowExporter implements SpanExporter {
        final AtomicReference<ExportRequest> kept = new AtomicReference<>();
        final List<ExportRequest> held = new CopyOnWriteArrayList<>();
        final AtomicInteger calls = new AtomicInteger();
        /** Spans of requests this exporter really sent (completed with success through a live handle). */
        final AtomicLong sentSpans = new AtomicLong();

        @Override
        public void export(ExportRequest request) {
            if (calls.incrementAndGet() == 1) {
                kept.set(request);
                throw new IllegalStateException("queued the request, then failed");
            }
            held.add(request);
        }

        void sendHeld() {
            for (ExportRequest request : held) {
                sentSpans.addAndGet(request.spanCount());
                request.succeeded(0);
            }
            held.clear();
        }

        @Override
        public void shutdown(long deadlineNanoTime) {
            sendHeld();
        }
    }

    @Test
    void aHandleKeptFromAThrowingExportCannotCompleteTheRequestThatReusesItsBuffer() throws Exception {
        KeepThenThrowExporter exporter = new KeepThenThrowExporter();
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter).ringSize(64).requestBuffers(1)
                .maxExportBatchSize(5).build());
        for (long id = 1; id <= 10; id++) {
            TestSpans.publish(engine, id, "/a"); // request 1 (ids 1-5) throws; request 2 (ids 6-10) reuses the buffer
        }
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (exporter.held.isEmpty() && System.nanoTime() - until < 0) {
            Thread.sleep(1);
        }
        assertEquals(1, exporter.held.size(), "the second request was handed out in the only buffer");
        IllegalStateException staleSuccess = null;
        try {
            exporter.kept.get().succeeded(0); // after the buffer was reused, through the handle kept from the throwing call
        } catch (IllegalStateException e) {
            staleSuccess = e;
        }
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(0, exporter.sentSpans.get());
        assertEquals(0, stats.exported(), "no span may be counted exported before it was sent: " + stats);
        assertTrue(staleSuccess != null, "a completion through the stale handle is rejected");
        assertTrue(staleSuccess.getMessage().contains("stale"), staleSuccess.getMessage());
        assertThrows(IllegalStateException.class, () -> exporter.kept.get().failed(DropReason.EXPORT_FAILED));
        assertThrows(IllegalStateException.class, () -> exporter.kept.get().payload(),
                "the stale handle no longer reads the buffer, which holds the later request now");
        assertEquals(5, stats.dropped(DropReason.EXPORT_FAILED), "the request whose export() threw: " + stats);
        assertEquals(5, stats.inFlight(), "the second request, still held: " + stats);
        assertEquals(10, stats.published());
        assertEquals(stats.published(), stats.exported() + stats.droppedTotal() + stats.inFlight(), stats::toString);
        assertEquals(2, engine.stats(stats).rejectedCompletions(), "both stale completions were counted: " + stats);

        exporter.sendHeld();
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(5, exporter.sentSpans.get());
        RingApiTest.assertAccounting(engine, 10, 5);
        assertEquals(5, engine.stats(new EngineStats()).exported());
    }
    /** An exporter broken for good throws on every request: counted each time, logged once a minute. */
    @Test
    void anExporterThatAlwaysThrowsIsCountedPerRequestAndLoggedOnce() throws Exception {
        java.util.logging.Logger serializerLog = java.util.logging.Logger.getLogger(Serializer.class.getName());
        List<java.util.logging.LogRecord> errors = new CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.SEVERE.intValue()) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        serializerLog.addHandler(capture);
        try {
            SpanExporter alwaysThrows = new SpanExporter() {
                @Override
                public void export(ExportRequest request) {
                    throw new IllegalStateException("broken exporter");
                }

                @Override
                public void shutdown(long deadlineNanoTime) {
                }
            };
            TraceEngine engine = closeAfter(TraceEngine.builder().exporter(alwaysThrows).ringSize(64).requestBuffers(1)
                    .maxExportBatchSize(1).build());
            for (long id = 1; id <= 20; id++) {
                TestSpans.publish(engine, id, "/a"); // 20 requests of one span, each export() throws
            }
            engine.flush(Duration.ofSeconds(10)); // waits until every request was handed out and failed
            RingApiTest.assertAccounting(engine, 20, 0);
            assertEquals(20, engine.stats(new EngineStats()).dropped(DropReason.EXPORT_FAILED));
            assertEquals(1, errors.size(), "one ERROR line, not one per request: " + errors.size());
        } finally {
            serializerLog.removeHandler(capture);
        }
    }
}
