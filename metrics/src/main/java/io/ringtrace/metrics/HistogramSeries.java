package io.ringtrace.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An explicit-bucket histogram's state, striped: one {@code long[]} holding {@code stripes} copies
 * of [bucket counts..., sum, min, max] (doubles as raw bits), each copy padded to whole 128-byte
 * blocks, so threads on different stripes never write the same cache line (or the adjacent line the
 * prefetcher pairs with it). A thread records into stripe {@code threadId & (stripes - 1)}:
 * consecutively created threads land on different stripes, with no thread-local lookup.
 *
 * <p>A record is lock-free: an atomic add on its bucket, a CAS loop on the sum, and a CAS on min or
 * max only when the value is a new extreme. A collection adds the stripes up; a delta collection
 * swaps each field to its empty value atomically ({@code getAndSet}), so every measurement lands in
 * exactly one interval for each field, and totals over intervals are exact. The fields of one point
 * are not one atomic snapshot: a measurement racing with the collection may have its bucket counted
 * in one interval and its sum in the next (and if the collecting thread is descheduled between
 * reading a stripe's buckets and its sum, every measurement of that pause does), so a delta point's
 * sum can differ from what its count implies; the next point makes up for it. A point is sent when
 * its count or its sum is not zero, so nothing is dropped. (One consistent snapshot per point needs
 * writers to announce themselves, as a writer-reader phaser does: two more atomic operations per
 * record.)
 *
 * <p>Memory per series: {@code 8 x (16 + stripes x roundUp(buckets + 3, 16))} bytes plus the array
 * header (16 buckets, 2 stripes: 640 B).
 */
final class HistogramSeries extends HistogramAggregate {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Longs before the first stripe: keeps the array header's line out of stripe 0. */
    private static final int PAD = 16;
    static final long EMPTY_MIN = Double.doubleToRawLongBits(Double.POSITIVE_INFINITY);
    static final long EMPTY_MAX = Double.doubleToRawLongBits(Double.NEGATIVE_INFINITY);

    private final double[] boundaries;
    private final int buckets;
    private final int stride;
    private final int stripeMask;
    private final long[] cells;
    HistogramSeries(Attributes attributes, double[] boundaries, int stripes) {
        super(attributes);
        this.boundaries = boundaries;
        this.buckets = boundaries.length + 1;
        this.stride = (buckets + 3 + 15) & ~15;
        this.stripeMask = stripes - 1;
        this.cells = new long[PAD + stripes * stride];
        for (int s = 0; s < stripes; s++) {
            cells[PAD + s * stride + buckets + 1] = EMPTY_MIN;
            cells[PAD + s * stride + buckets + 2] = EMPTY_MAX;
        }
    }

    @Override
    void record(double value) {
        @SuppressWarnings("deprecation") // Thread.getId: threadId() is Java 19+
        int stripe = (int) Thread.currentThread().getId() & stripeMask;
        final long[] c = cells;
        final int base = PAD + stripe * stride;
        LONGS.getAndAdd(c, base + bucketOf(boundaries, value), 1L);
        final int sum = base + buckets;
        long bits;
        do {
            bits = (long) LONGS.getVolatile(c, sum);
        } while (!LONGS.compareAndSet(c, sum, bits, Double.doubleToRawLongBits(Double.longBitsToDouble(bits) + value)));
        final int min = sum + 1;
        while (value < Double.longBitsToDouble(bits = (long) LONGS.getVolatile(c, min))
                && !LONGS.compareAndSet(c, min, bits, Double.doubleToRawLongBits(value))) {
            Thread.onSpinWait(); // another thread set a new minimum meanwhile: compare again
        }
        final int max = sum + 2;
        while (value > Double.longBitsToDouble(bits = (long) LONGS.getVolatile(c, max))
                && !LONGS.compareAndSet(c, max, bits, Double.doubleToRawLongBits(value))) {
            Thread.onSpinWait();
        }
    }

    @Override
    int exemplarSlot(double value) {
        return bucketOf(boundaries, value);
    }

    @Override
    int exemplarSlots() {
        return buckets;
    }

    /** @return the bucket of {@code value}: the first boundary it is at most (upper bounds are inclusive), else the last */
    static int bucketOf(double[] boundaries, double value) {
        int lo = 0;
        int hi = boundaries.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (value <= boundaries[mid]) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /**
     * Adds the stripes up into {@code snapshot}: bucket counts in {@code counts[0..buckets)}; returns
     * the sum, min and max through {@code snapshot}. With {@code reset}, each field is swapped to its
     * empty value as it is read.
     */
    void collect(long[] counts, double[] sumMinMax, boolean reset) {
        final long[] c = cells;
        double sum = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int b = 0; b < buckets; b++) {
            counts[b] = 0;
        }
        for (int s = 0; s <= stripeMask; s++) {
            int base = PAD + s * stride;
            for (int b = 0; b < buckets; b++) {
                counts[b] += reset ? (long) LONGS.getAndSet(c, base + b, 0L) : (long) LONGS.getVolatile(c, base + b);
            }
            int f = base + buckets;
            sum += Double.longBitsToDouble(reset ? (long) LONGS.getAndSet(c, f, 0L) : (long) LONGS.getVolatile(c, f));
            min = Math.min(min, Double.longBitsToDouble(reset ? (long) LONGS.getAndSet(c, f + 1, EMPTY_MIN) : (long) LONGS.getVolatile(c, f + 1)));
            max = Math.max(max, Double.longBitsToDouble(reset ? (long) LONGS.getAndSet(c, f + 2, EMPTY_MAX) : (long) LONGS.getVolatile(c, f + 2)));
        }
        sumMinMax[0] = sum;
        sumMinMax[1] = min;
        sumMinMax[2] = max;
    }
}
