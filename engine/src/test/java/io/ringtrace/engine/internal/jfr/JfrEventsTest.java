package io.ringtrace.engine.internal.jfr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.internal.monitor.AllocationMeter;
import io.ringtrace.engine.testing.Await;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.stream.Collectors;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JfrEventsTest {

    @TempDir
    Path dir;

    private static List<RecordedEvent> eventsNamed(Path file, String name) throws IOException {
        return RecordingFile.readAllEvents(file).stream()
                .filter(e -> e.getEventType().getName().equals(name))
                .collect(Collectors.toList());
    }

    @Test
    void exportRequestEventsAppearInARecordingWithTheirFields() throws IOException {
        Path file = dir.resolve("export.jfr");
        try (Recording recording = new Recording()) {
            recording.enable(ExportRequestEvent.NAME);
            recording.start();
            assertTrue(JfrEvents.exportEventEnabled());
            JfrEvents.exportCompleted("engine-a", 512, 65_536, 3_000_000, 1, JfrEvents.OUTCOME_SUCCESS, 0);
            JfrEvents.exportCompleted("engine-a", 100, 9_000, 7_000_000, 3, JfrEvents.OUTCOME_PARTIAL_SUCCESS, 4);
            JfrEvents.exportCompleted("engine-b", 7, 700, 1_000, 6, JfrEvents.outcome(DropReason.EXPORT_FAILED), 7);
            recording.stop();
            recording.dump(file);
        }
        assertFalse(JfrEvents.exportEventEnabled(), "still enabled after the recording stopped");

        List<RecordedEvent> events = eventsNamed(file, ExportRequestEvent.NAME);
        assertEquals(3, events.size());
        RecordedEvent first = events.stream().filter(e -> e.getInt("spans") == 512).findFirst().orElseThrow();
        assertEquals("engine-a", first.getString("engine"));
        assertEquals(65_536, first.getLong("bytes"));
        assertEquals(Duration.ofMillis(3), first.getDuration("exportDuration"));
        assertEquals(1, first.getInt("attempts"));
        assertEquals("SUCCESS", first.getString("outcome"));
        assertEquals(0, first.getLong("rejectedSpans"));
        assertEquals("ringtrace", first.getEventType().getCategoryNames().get(0));

        RecordedEvent partial = events.stream().filter(e -> e.getInt("spans") == 100).findFirst().orElseThrow();
        assertEquals("PARTIAL_SUCCESS", partial.getString("outcome"));
        assertEquals(4, partial.getLong("rejectedSpans"));
        assertEquals(3, partial.getInt("attempts"));

        RecordedEvent failed = events.stream().filter(e -> e.getInt("spans") == 7).findFirst().orElseThrow();
        assertEquals("engine-b", failed.getString("engine"));
        assertEquals("EXPORT_FAILED", failed.getString("outcome"));
        assertEquals(6, failed.getInt("attempts"));
        assertEquals(Duration.ofNanos(1_000), failed.getDuration("exportDuration"));
    }

    @Test
    void dropBurstEventsReportNewDropsPerReason() throws Exception {
        AtomicLongArray dropped = new AtomicLongArray(DropReason.values().length);
        dropped.set(DropReason.RING_FULL.ordinal(), 5); // dropped before registration: not reported
        Path file = dir.resolve("drops.jfr");
        try (Recording recording = new Recording()) {
            recording.enable(DropBurstEvent.NAME).withPeriod(Duration.ofMillis(50));
            AtomicInteger engineReads = new AtomicInteger(); // RING_FULL reads: one per hook run
            DropBurstRecorder recorder = DropBurstRecorder.register("engine-d", r -> {
                if (r == DropReason.RING_FULL) {
                    engineReads.incrementAndGet();
                }
                return dropped.get(r.ordinal());
            });
            recording.start();
            dropped.addAndGet(DropReason.RING_FULL.ordinal(), 7);
            // two periodic runs that read the counter after the 7: the first one has reported them
            int readsBefore = engineReads.get();
            Await.until("two periodic hook runs", Duration.ofSeconds(10), () -> engineReads.get() >= readsBefore + 2);
            dropped.addAndGet(DropReason.RING_FULL.ordinal(), 3);
            dropped.addAndGet(DropReason.SHUTDOWN.ordinal(), 2);
            // a second recorder, as a witness of periodic runs after the first one closed
            AtomicInteger witnessReads = new AtomicInteger();
            try (DropBurstRecorder witness = DropBurstRecorder.register("engine-witness", r -> {
                if (r == DropReason.RING_FULL) {
                    witnessReads.incrementAndGet();
                }
                return 0;
            })) {
                recorder.close(); // reports what the hook has not yet seen, then unregisters
                int readsAtClose = engineReads.get();
                dropped.addAndGet(DropReason.RING_FULL.ordinal(), 100); // after close: never reported
                int witnessBefore = witnessReads.get();
                Await.until("two periodic hook runs after close", Duration.ofSeconds(10),
                        () -> witnessReads.get() >= witnessBefore + 2);
                assertEquals(readsAtClose, engineReads.get(), "the closed recorder's hook still ran");
            }
            recording.stop();
            recording.dump(file);
        }

        List<RecordedEvent> events = eventsNamed(file, DropBurstEvent.NAME);
        assertTrue(events.size() >= 2, "events: " + events);
        for (RecordedEvent e : events) {
            assertEquals("engine-d", e.getString("engine"));
            assertTrue(e.getLong("count") > 0, "an event without drops: " + e);
        }
        long ringFull = events.stream().filter(e -> e.getString("reason").equals("RING_FULL"))
                .mapToLong(e -> e.getLong("count")).sum();
        long shutdown = events.stream().filter(e -> e.getString("reason").equals("SHUTDOWN"))
                .mapToLong(e -> e.getLong("count")).sum();
        assertEquals(10, ringFull);
        assertEquals(2, shutdown);
        assertEquals(events.size(), events.stream()
                .filter(e -> e.getString("reason").equals("RING_FULL") || e.getString("reason").equals("SHUTDOWN")).count());
        long lastRingFullTotal = events.stream().filter(e -> e.getString("reason").equals("RING_FULL"))
                .mapToLong(e -> e.getLong("totalDropped")).max().orElseThrow();
        assertEquals(15, lastRingFullTotal);
    }

    private static DropReason failure = DropReason.EXPORT_FAILED;

    @Test
    void disabledExportEventAllocatesNothingAndTheCheckCatchesAPerCallString() {
        assertFalse(JfrEvents.exportEventEnabled(), "a recording is running; this test needs none");

        long disabled = AllocationMeter.bytesAllocated(50_000, 20_000, () ->
                JfrEvents.exportCompleted("engine-z", 512, 65_536, 1_000, 1, JfrEvents.OUTCOME_SUCCESS, 0));
        assertEquals(0, disabled, "a disabled export event allocated");

        // Deliberately allocating variant: formats the outcome before asking whether the event is
        // wanted (a String built per call instead of a constant).
        long eager = AllocationMeter.bytesAllocated(50_000, 20_000, () ->
                JfrEvents.exportCompleted("engine-z", 512, 65_536, 1_000, 1, "FAILED:" + failure, 0));
        assertTrue(eager >= 20_000L * 16, "the check failed to see a per-call outcome string: " + eager + " B");
    }
}
