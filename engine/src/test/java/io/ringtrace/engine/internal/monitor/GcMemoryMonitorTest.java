package io.ringtrace.engine.internal.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.ops.LatencyHistogram;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class GcMemoryMonitorTest {

    private static final long WAIT_NANOS = Duration.ofSeconds(10).toNanos();

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private static CollectorReadings systemGcCollector(GcMemoryMonitor monitor) {
        for (CollectorReadings r : monitor.collectors()) {
            if ("System.gc()".equals(r.lastCause())) {
                return r;
            }
        }
        return null;
    }

    @Test
    void forcedGcIsSeenWithItsCauseDurationAndHeapAfterGc() throws InterruptedException {
        try (GcMemoryMonitor monitor = GcMemoryMonitor.builder().logger(new CapturingLogger()).start()) {
            assertFalse(monitor.collectors().isEmpty(), "no collector beans found");

            System.gc();

            assertTrue(await(() -> systemGcCollector(monitor) != null), "monitor never saw the System.gc()");
            CollectorReadings collector = systemGcCollector(monitor);
            assertNotNull(collector);
            assertTrue(collector.gcCount() >= 1);
            assertTrue(collector.durations().copyInto(new LatencyHistogram.Snapshot()).count() >= 1);
            assertFalse(collector.lastAction().isEmpty());
            assertTrue(monitor.gcCount() >= 1);
            assertTrue(monitor.heapUsedAfterGcBytes() > 0, "heap used after GC not read");
            assertTrue(monitor.heapUsedAfterGcBytes() <= monitor.heapMaxBytes());
            assertTrue(collector.lastHeapUsedAfterBytes() > 0);
            assertNotNull(monitor.lastCollector());
            assertEquals(collector, monitor.collector(collector.collectorName()));
        }
    }

    @Test
    void offHeapThresholdWarnsExactlyOncePerUpwardCrossing() {
        CapturingLogger log = new CapturingLogger();
        AtomicLong held = new AtomicLong();
        try (GcMemoryMonitor monitor = GcMemoryMonitor.builder()
                .name("crossing").offHeap(held::get, 1000).logger(log).logInterval(Duration.ZERO).start()) {
            long[] readings = {100, 799, 800, 900, 1000, 1200, 799, 500, 850, 850, 10, 999};
            long[] expectedWarnings = {0, 0, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3};
            for (int i = 0; i < readings.length; i++) {
                held.set(readings[i]);
                assertEquals(readings[i], monitor.checkOffHeap());
                assertEquals(expectedWarnings[i], monitor.offHeapWarnings(), "after reading " + readings[i]);
                assertEquals(expectedWarnings[i], log.count("off-heap memory held"), "log after " + readings[i]);
            }
            assertEquals(999, monitor.offHeapBytesHeld());
            assertTrue(log.messages.get(0).startsWith("WARNING ringtrace[crossing]: off-heap memory held is 800 bytes, 80% of the 1000-byte budget"),
                    log.messages.get(0));
        }
    }

    @Test
    void heapWarningIsRaisedOnceWhileTheHeapStaysAbove() throws InterruptedException {
        CapturingLogger log = new CapturingLogger();
        // A threshold so low that every heap reading is above it: the first GC crosses, later ones do not.
        try (GcMemoryMonitor monitor = GcMemoryMonitor.builder()
                .warnThreshold(1e-9).logger(log).logInterval(Duration.ZERO).start()) {
            for (int i = 1; i <= 3; i++) {
                long seen = monitor.gcCount();
                System.gc();
                assertTrue(await(() -> monitor.gcCount() > seen), "GC " + i + " not seen");
            }
            assertEquals(1, monitor.heapWarnings());
            assertEquals(1, log.count("heap in use after GC"));
        }
    }

    @Test
    void warningsAreCountedEveryTimeButLoggedAtMostOncePerInterval() {
        CapturingLogger log = new CapturingLogger();
        AtomicLong held = new AtomicLong();
        try (GcMemoryMonitor monitor = GcMemoryMonitor.builder()
                .offHeap(held::get, 100).logger(log).logInterval(Duration.ofHours(1)).start()) {
            for (int i = 0; i < 3; i++) {
                held.set(90);
                monitor.checkOffHeap();
                held.set(10);
                monitor.checkOffHeap();
            }
            assertEquals(3, monitor.offHeapWarnings());
            assertEquals(1, log.messages.size(), log.messages.toString());
        }
    }

    @Test
    void closedMonitorStopsCounting() throws InterruptedException {
        GcMemoryMonitor monitor = GcMemoryMonitor.builder().logger(new CapturingLogger()).start();
        System.gc();
        assertTrue(await(() -> monitor.gcCount() > 0));
        monitor.close();
        monitor.close(); // idempotent
        long seen = monitor.gcCount();
        // a monitor still open sees the next collection: the JDK hands a notification to each of the
        // collector's listeners in turn, so a closed monitor still subscribed would have counted it too
        try (GcMemoryMonitor witness = GcMemoryMonitor.builder().logger(new CapturingLogger()).start()) {
            System.gc();
            assertTrue(await(() -> witness.gcCount() > 0));
        }
        assertEquals(seen, monitor.gcCount());
    }

    @Test
    void invalidSettingsAreRejectedAtTheBuilder() {
        assertThrows(IllegalArgumentException.class, () -> GcMemoryMonitor.builder().warnThreshold(0));
        assertThrows(IllegalArgumentException.class, () -> GcMemoryMonitor.builder().warnThreshold(1.01));
        assertThrows(IllegalArgumentException.class, () -> GcMemoryMonitor.builder().warnThreshold(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> GcMemoryMonitor.builder().offHeap(() -> 0, 0));
        assertThrows(NullPointerException.class, () -> GcMemoryMonitor.builder().offHeap(null, 10));
        assertThrows(IllegalArgumentException.class, () -> GcMemoryMonitor.builder().logInterval(Duration.ofSeconds(-1)));
    }
}
