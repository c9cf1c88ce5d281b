package io.ringtrace.engine.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PauseHistogramTest {

    @Test
    void pausesLandInPowerOfTwoMillisecondBuckets() {
        assertEquals(0, PauseHistogram.bucketOf(0));
        assertEquals(1, PauseHistogram.bucketOf(1));
        assertEquals(2, PauseHistogram.bucketOf(2));
        assertEquals(2, PauseHistogram.bucketOf(3));
        assertEquals(3, PauseHistogram.bucketOf(4));
        assertEquals(11, PauseHistogram.bucketOf(1024));
        assertEquals(PauseHistogram.BUCKETS - 1, PauseHistogram.bucketOf(Long.MAX_VALUE));

        PauseHistogram h = new PauseHistogram();
        assertEquals(0, h.percentileUpperBoundMillis(99));
        for (int i = 0; i < 90; i++) {
            h.record(1);
        }
        for (int i = 0; i < 9; i++) {
            h.record(20);
        }
        h.record(300);
        h.record(-5); // clamped to 0

        assertEquals(101, h.totalCount());
        assertEquals(90 + 180 + 300, h.totalMillis());
        assertEquals(300, h.maxMillis());
        assertEquals(1, h.count(0));
        assertEquals(90, h.count(1));
        assertEquals(9, h.count(5)); // [16, 32)
        assertEquals(1, h.count(9)); // [256, 512)
        assertEquals(1, h.percentileUpperBoundMillis(50));
        assertEquals(31, h.percentileUpperBoundMillis(99));
        assertEquals(300, h.percentileUpperBoundMillis(100));
        assertEquals(32, h.bucketUpperBoundMillis(5));
        assertEquals(Long.MAX_VALUE, h.bucketUpperBoundMillis(PauseHistogram.BUCKETS - 1));
        assertThrows(IndexOutOfBoundsException.class, () -> h.count(PauseHistogram.BUCKETS));
        assertThrows(IllegalArgumentException.class, () -> h.percentileUpperBoundMillis(101));
    }

    @Test
    void theOpenEndedLastBucketReportsTheMax() {
        PauseHistogram h = new PauseHistogram();
        h.record(10_000_000);
        assertEquals(10_000_000, h.percentileUpperBoundMillis(50));
    }

    private static long sink;

    @Test
    void readingAllocatesNothingAndTheCheckCatchesAnAllocatingRead() {
        PauseHistogram h = new PauseHistogram();
        for (int i = 0; i < 1000; i++) {
            h.record(i);
        }
        long plain = AllocationMeter.bytesAllocated(20_000, 10_000, () -> {
            long s = h.totalCount() + h.maxMillis() + h.totalMillis() + h.percentileUpperBoundMillis(99.9);
            for (int b = 0; b < h.bucketCount(); b++) {
                s += h.count(b);
            }
            sink += s;
        });
        assertEquals(0, plain, "histogram reads allocated");

        // Deliberately allocating variant: copies the buckets into a fresh array on every read.
        long copying = AllocationMeter.bytesAllocated(20_000, 10_000, () -> {
            long[] copy = new long[h.bucketCount()];
            for (int b = 0; b < copy.length; b++) {
                copy[b] = h.count(b);
            }
            sink += copy[sink == 42 ? 1 : 0];
        });
        assertTrue(copying >= 10_000L * 16, "the check failed to see a per-read array: " + copying + " B");
    }
}
