package io.ringtrace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.exporter.OtlpGrpcSpanExporter;
import io.ringtrace.testkit.OtlpReceiver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ShutdownExampleTest extends LeakCheckingTestBase {

    @Test
    void flushThenCloseExportEverythingAndTheAccountsBalance() throws Exception {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.builder().countOnly().start());
        TraceEngine engine = closeAfter(engineTo(receiver));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        ShutdownExample.Result result = ShutdownExample.run(engine, 2000, Duration.ofSeconds(10), Duration.ofSeconds(10),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertTrue(result.flushed());
        EngineStats afterFlush = result.afterFlush();
        assertEquals(2000, afterFlush.published());
        assertEquals(2000, afterFlush.exported(), "flush returns once the receiver has acknowledged");
        assertEquals(0, afterFlush.inFlight());
        assertFalse(afterFlush.closed());

        assertTrue(result.closedClean());
        EngineStats afterClose = result.afterClose();
        assertEquals(4000, afterClose.published());
        assertEquals(4000, afterClose.exported());
        assertEquals(0, afterClose.droppedTotal());
        assertEquals(0, afterClose.inFlight());
        assertEquals(0, afterClose.offHeapBytesHeld(), "close frees the request buffers");
        assertTrue(afterClose.closed());
        assertEquals(afterClose.requestsSent(), afterClose.exportLatency().count(), "every request's latency measured");
        receiver.awaitSpanCount(4000, Duration.ofSeconds(5));
        assertEquals(4000, receiver.spanCount());
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("flushed: published 2000 = exported 2000 + dropped 0 + in flight 0 [holds]"), text);
        assertTrue(text.contains("closed in time, nothing lost to the deadline: published 4000 = exported 4000 + dropped 0 + in flight 0 [holds]"), text);
        assertTrue(text.contains("export latency p50 <= "), text);
    }

    @Test
    void closeCountsWhatItCouldNotExportByItsDeadline() throws Exception {
        OtlpReceiver receiver = closeAfter(OtlpReceiver.builder().countOnly().start());
        receiver.failNext(10_000, Status.Code.UNAVAILABLE); // a collector that never recovers
        TraceEngine engine = closeAfter(engineTo(receiver));
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        long start = System.nanoTime();
        ShutdownExample.Result result = ShutdownExample.run(engine, 500, Duration.ofMillis(300), Duration.ofSeconds(1),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;

        assertFalse(result.flushed());
        assertFalse(result.closedClean());
        EngineStats stats = result.afterClose();
        assertEquals(1000, stats.published());
        assertEquals(0, stats.exported());
        assertEquals(0, stats.inFlight());
        assertEquals(1000, stats.dropped(DropReason.SHUTDOWN) + stats.dropped(DropReason.EXPORT_FAILED),
                "every span that could not be exported is counted: " + stats);
        assertTrue(seconds < 10, "close keeps to its deadline (took " + seconds + " s)");
        assertEquals(0, receiver.spanCount());
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("closed, some spans could not be exported by the deadline: published 1000 = exported 0 + dropped 1000"), text);
        assertTrue(text.contains("[holds]"), text);
    }

    private static TraceEngine engineTo(OtlpReceiver receiver) {
        return TraceEngine.builder()
                .exporter(OtlpGrpcSpanExporter.builder().endpoint(receiver.endpoint()).build())
                .build();
    }
}
