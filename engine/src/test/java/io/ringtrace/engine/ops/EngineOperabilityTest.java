package io.ringtrace.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.internal.jfr.DropBurstEvent;
import io.ringtrace.engine.internal.jfr.ExportRequestEvent;
import io.ringtrace.engine.internal.jmx.EngineMBean;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EngineOperabilityTest extends LeakCheckingTestBase {

    private static final Utf8Constant NAME = Utf8Constant.of("op");

    @TempDir
    Path dir;

    private static List<Thread> threadsNamed(String suffix) {
        List<Thread> found = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.isAlive() && t.getName().startsWith("ringtrace-") && t.getName().endsWith(suffix)) {
                found.add(t);
            }
        }
        return found;
    }

    @Test
    void noRingtraceThreadSurvivesClose() throws InterruptedException {
        TraceEngine engine = closeAfter(TraceEngine.builder().name("threads-x").exporter(new InMemorySpanExporter())
                .operability(OperabilityOptions.builder().leakDetection(Duration.ofMillis(20), Duration.ofSeconds(1)).build())
                .build());
        // Spans from several threads, one of them left open (so the detector has something to scan).
        Thread[] workers = new Thread[3];
        for (int w = 0; w < workers.length; w++) {
            workers[w] = new Thread(() -> engine.tracer(InstrumentationScope.of("t")).start(NAME).end());
            workers[w].start();
        }
        engine.tracer(InstrumentationScope.of("t")).start(NAME); // never ended
        for (Thread w : workers) {
            w.join(10_000);
        }
        List<String> names = threadsNamed("-threads-x").stream().map(Thread::getName).sorted().collect(Collectors.toList());
        assertEquals(List.of("ringtrace-leak-threads-x", "ringtrace-serializer-threads-x"), names);
        assertTrue(threadsNamed("-threads-x").stream().allMatch(Thread::isDaemon), "ringtrace threads must be daemons");

        engine.close();

        // close() joins its threads: none may be alive right after it returns (no grace period).
        assertEquals(List.of(), threadsNamed("-threads-x"), "threads alive after close");
    }

    @Test
    void theEngineEmitsExportAndDropBurstEventsIntoARecording() throws Exception {
        Path file = dir.resolve("engine.jfr");
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        EngineStats stats = new EngineStats();
        long ringFullFailures = 0;
        try (Recording recording = new Recording()) {
            recording.enable(ExportRequestEvent.NAME);
            recording.enable(DropBurstEvent.NAME).withPeriod(Duration.ofMillis(50));
            recording.start();

            TraceEngine engine = closeAfter(TraceEngine.builder().name("jfr-engine").ringSize(64).requestBuffers(1)
                    .maxExportBatchSize(16).scheduleDelay(Duration.ofMillis(10)).exporter(exporter).build());
            // Hold every request: the single buffer stays in flight, the serializer waits, the ring fills.
            exporter.mode(InMemorySpanExporter.Mode.HOLD);
            for (int i = 0; i < 500; i++) {
                long seq = engine.tryClaim();
                if (seq < 0) {
                    assertEquals(TraceEngine.RING_FULL, seq);
                    ringFullFailures++;
                    continue;
                }
                try {
                    engine.record(seq).scope(InstrumentationScope.of("jfr")).traceId(1, i + 1).spanId(i + 1)
                            .name(NAME).startEpochNanos(1_000).endEpochNanos(2_000);
                } finally {
                    engine.publish(seq);
                }
            }
            assertTrue(ringFullFailures > 0, "the ring never filled");
            // not a wait for an event: the held requests must stay held a measurable time, which
            // their exportDuration must show (checked below, >= 100 ms); the drop bursts are reported by close()
            Thread.sleep(200);
            exporter.mode(InMemorySpanExporter.Mode.SUCCEED);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!engine.flush(Duration.ofMillis(50)) && System.nanoTime() < deadline) {
                exporter.completeHeld(Integer.MAX_VALUE);
            }
            exporter.completeHeld(Integer.MAX_VALUE);
            assertTrue(engine.flush(Duration.ofSeconds(5)));
            engine.stats(stats);
            engine.close();
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> exports = events.stream()
                .filter(e -> e.getEventType().getName().equals(ExportRequestEvent.NAME)
                        && e.getString("engine").equals("jfr-engine"))
                .collect(Collectors.toList());
        assertEquals(stats.requestsSent(), exports.size());
        assertEquals(stats.exported(), exports.stream().mapToLong(e -> e.getInt("spans")).sum());
        assertEquals(stats.bytesSent(), exports.stream().mapToLong(e -> e.getLong("bytes")).sum());
        assertTrue(exports.stream().allMatch(e -> e.getString("outcome").equals("SUCCESS") && e.getInt("attempts") == 1));
        assertTrue(exports.stream().anyMatch(e -> e.getDuration("exportDuration").toMillis() >= 100),
                "held requests should show their wait in exportDuration");

        long ringFullInEvents = events.stream()
                .filter(e -> e.getEventType().getName().equals(DropBurstEvent.NAME)
                        && e.getString("engine").equals("jfr-engine") && e.getString("reason").equals("RING_FULL"))
                .mapToLong(e -> e.getLong("count")).sum();
        assertEquals(ringFullFailures, stats.dropped(DropReason.RING_FULL));
        assertEquals(ringFullFailures, ringFullInEvents);
    }

    @Test
    void optionsCanTurnEverythingOff() throws Exception {
        TraceEngine engine = closeAfter(TraceEngine.builder().name("ops-none").exporter(new InMemorySpanExporter())
                .operability(OperabilityOptions.none()).build());
        assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(EngineMBean.objectName("ops-none")));
        assertEquals(List.of("ringtrace-serializer-ops-none"),
                threadsNamed("-ops-none").stream().map(Thread::getName).collect(Collectors.toList()));
        engine.close();
    }

    @Test
    void invalidOptionsAreRejectedAtTheBuilder() {
        assertThrows(IllegalArgumentException.class, () -> OperabilityOptions.builder().warnThreshold(0));
        assertThrows(IllegalArgumentException.class, () -> OperabilityOptions.builder().offHeapBudgetBytes(0));
        assertThrows(IllegalArgumentException.class,
                () -> OperabilityOptions.builder().leakDetection(Duration.ZERO, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class,
                () -> OperabilityOptions.builder().leakDetection(Duration.ofSeconds(1), null));
        assertThrows(NullPointerException.class, () -> TraceEngine.builder().operability(null));
    }
}
