package io.ringtrace.engine.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.internal.monitor.AllocationMeter;
import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesAreBucketUpperBoundsCappedAtTheMax() {
        LatencyHistogram h = new LatencyHistogram();
        LatencyHistogram.Snapshot s = h.copyInto(new LatencyHistogram.Snapshot());
        assertEquals(0, s.count());
        assertEquals(0, s.percentileNanos(99));

        for (int i = 0; i < 98; i++) {
            h.record(300_000); // 300 us: bucket [256, 512) us
        }
        h.record(5_000_000); // 5 ms: bucket [4096, 8192) us
        h.record(-1); // clamped to 0
        h.copyInto(s);

        assertEquals(100, s.count());
        assertEquals(5_000_000, s.maxNanos());
        assertEquals((98 * 300_000L + 5_000_000) / 100, s.meanNanos());
        assertEquals(1, s.bucketCount(0));
        assertEquals(98, s.bucketCount(9));
        assertEquals(512_000, s.percentileNanos(50));
        assertEquals(512_000, s.percentileNanos(99));
        assertEquals(5_000_000, s.percentileNanos(99.9));
        assertEquals(1_000, s.percentileNanos(0.5)); // bucket 0: below 1 us
        assertEquals(512, LatencyHistogram.Snapshot.bucketUpperBoundMicros(9));
        assertThrows(IllegalArgumentException.class, () -> s.percentileNanos(-1));
        assertEquals(100, new LatencyHistogram.Snapshot().copyFrom(s).count());
    }

    @Test
    void concurrentRecordsAreAllCounted() throws InterruptedException {
        LatencyHistogram h = new LatencyHistogram();
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            long base = (t + 1) * 1_000_000L;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 10_000; i++) {
                    h.record(base + i);
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join(10_000);
        }
        LatencyHistogram.Snapshot s = h.copyInto(new LatencyHistogram.Snapshot());
        assertEquals(40_000, s.count());
        assertEquals(4_000_000L + 9_999, s.maxNanos());
    }

    private static long sink;

    @Test
    void recordingAndSnapshottingAllocateNothingAndTheCheckCatchesABoxingVariant() {
        LatencyHistogram h = new LatencyHistogram();
        LatencyHistogram.Snapshot s = new LatencyHistogram.Snapshot();
        long bytes = AllocationMeter.bytesAllocated(20_000, 10_000, () -> {
            h.record(sink & 0xFFFFF);
            sink += h.copyInto(s).percentileNanos(99.9);
        });
        assertEquals(0, bytes);

        // Deliberately allocating variant: keeps the latency in a boxed Long on the way in.
        java.util.List<Long> boxes = new java.util.ArrayList<>();
        long boxing = AllocationMeter.bytesAllocated(20_000, 10_000, () -> {
            Long boxed = Long.valueOf(1_000_000 + (sink++ & 0xFFFFF));
            if (boxes.size() < 4) {
                boxes.add(boxed);
            } else {
                boxes.set((int) (sink & 3), boxed);
            }
            h.record(boxed);
        });
        assertTrue(boxing >= 10_000L * 16, "the check failed to see boxing: " + boxing + " B");
    }
}
