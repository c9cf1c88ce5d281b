package io.ringtrace.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * A base-2 exponential histogram's state, striped: one {@code long[]} holding {@code stripes} copies
 * of [busy flag, count, zero count, sum, min, max, scale, positive range, negative range, positive
 * bucket counts, negative bucket counts], each copy padded to whole 128-byte blocks. Each range is
 * a circular window of {@code maxBuckets} counters ([base, start, end]: the index stored at slot 0,
 * the lowest and highest index used); the positive and negative windows share the stripe's scale.
 *
 * <p><b>Recording.</b> A value outside the window forces a scale reduction, which moves every count
 * of the stripe; so a stripe's fields change only while its busy flag is held, and each change is
 * then a plain store. A thread claims its home stripe ({@code threadId & (stripes - 1)}) with one
 * CAS from 0 to 1, records, and releases it with a release store; if the stripe is busy it tries
 * the next one, and spins only when every stripe is busy at once. Consecutively created threads
 * have different home stripes, so the CAS is uncontended unless more threads record than there are
 * stripes. (A lock-free scale reduction would need writers to announce themselves around every
 * record, two more atomic operations, or several generations of buckets per stripe; the flag costs
 * one CAS, makes each point one consistent snapshot, and never makes a recording thread wait
 * while another stripe is free.)
 *
 * <p><b>Scale.</b> Each stripe starts at {@code maxScale}. A value whose index at the current scale
 * does not fit the window with the indexes already used (positive and negative ranges separately,
 * at most {@code maxBuckets} each) reduces the scale by the fewest steps that make it fit, merging
 * each pair of neighbouring buckets per step, in place; then its index is computed again at the new
 * scale. This is the data model's procedure and the OpenTelemetry SDK's, so one stripe yields the
 * SDK's buckets for the same values. Zero (and -0.0) counts in the zero bucket, threshold 0.
 * A delta collection resets a stripe to {@code maxScale}.
 *
 * <p>Memory per series: {@code 8 x (16 + stripes x roundUp(13 + 2 x maxBuckets, 16))} bytes (160
 * buckets, 2 stripes: 5.5 KB).
 */
final class ExponentialHistogramSeries extends HistogramAggregate {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    /** Longs before the first stripe: keeps the array header's line out of stripe 0. */
    private static final int PAD = 16;
    /** Exemplar slots: the latest exemplar per power-of-two magnitude, 16 magnitudes apart sharing one. */
    static final int EXEMPLAR_SLOTS = 16;

    // the fields of a stripe, relative to its first long
    static final int BUSY = 0;
    static final int COUNT = 1;
    static final int ZERO_COUNT = 2;
    static final int SUM = 3;
    static final int MIN = 4;
    static final int MAX = 5;
    static final int SCALE = 6;
    /** A range's header: [base (index at slot 0), start, end]; empty when start > end. */
    static final int POSITIVE = 7;
    static final int NEGATIVE = 10;
    static final int RANGE_BASE = 0;
    static final int RANGE_START = 1;
    static final int RANGE_END = 2;
    static final int HEADER = 13;

    final int maxBuckets;
    final int maxScale;
    final int stride;
    final int stripes;
    private final int stripeMask;
    private final long[] cells;

    ExponentialHistogramSeries(Attributes attributes, int maxBuckets, int maxScale, int stripes) {
        super(attributes);
        this.maxBuckets = maxBuckets;
        this.maxScale = maxScale;
        this.stripes = stripes;
        this.stride = stride(maxBuckets);
        this.stripeMask = stripes - 1;
        this.cells = new long[PAD + stripes * stride];
        for (int s = 0; s < stripes; s++) {
            reset(cells, PAD + s * stride);
        }
    }

    private void reset(long[] c, int base) {
        c[base + COUNT] = 0;
        c[base + ZERO_COUNT] = 0;
        c[base + SUM] = 0; // +0.0
        c[base + MIN] = HistogramSeries.EMPTY_MIN;
        c[base + MAX] = HistogramSeries.EMPTY_MAX;
        c[base + SCALE] = maxScale;
        emptyRange(c, base + POSITIVE);
        emptyRange(c, base + NEGATIVE);
        Arrays.fill(c, base + HEADER, base + HEADER + 2 * maxBuckets, 0L);
    }

    /** @return longs per stripe: the header and both windows, rounded up to whole 128-byte blocks */
    static int stride(int maxBuckets) {
        return (HEADER + 2 * maxBuckets + 15) & ~15;
    }

    private static void emptyRange(long[] c, int range) {
        c[range + RANGE_BASE] = 0;
        c[range + RANGE_START] = Long.MAX_VALUE;
        c[range + RANGE_END] = Long.MIN_VALUE;
    }

    @Override
    void record(double value) {
        @SuppressWarnings("deprecation") // Thread.getId: threadId() is Java 19+
        final int home = (int) Thread.currentThread().getId() & stripeMask;
        final long[] c = cells;
        int s = home;
        int base = PAD + s * stride;
        // acquire: the previous holder's plain stores happen before this holder's reads
        while (!LONGS.weakCompareAndSetAcquire(c, base + BUSY, 0L, 1L)) {
            s = (s + 1) & stripeMask;
            base = PAD + s * stride;
            if (s == home) {
                Thread.onSpinWait(); // every stripe busy: more recording threads than stripes
            }
        }
        try {
            recordHeld(c, base, value);
        } finally {
            LONGS.setRelease(c, base + BUSY, 0L); // this record's stores happen before the next holder's reads
        }
    }

    private void recordHeld(long[] c, int base, double value) {
        c[base + COUNT]++;
        c[base + SUM] = Double.doubleToRawLongBits(Double.longBitsToDouble(c[base + SUM]) + value);
        if (value < Double.longBitsToDouble(c[base + MIN])) {
            c[base + MIN] = Double.doubleToRawLongBits(value);
        }
        if (value > Double.longBitsToDouble(c[base + MAX])) {
            c[base + MAX] = Double.doubleToRawLongBits(value);
        }
        if (value == 0) {
            c[base + ZERO_COUNT]++; // 0 and -0.0: the zero bucket
            return;
        }
        double magnitude = Math.abs(value);
        int range = base + (value > 0 ? POSITIVE : NEGATIVE);
        int counts = base + HEADER + (value > 0 ? 0 : maxBuckets);
        int scale = (int) c[base + SCALE];
        long index = Base2Indexer.index(magnitude, scale);
        while (!increment(c, range, counts, index)) {
            int by = reduction(Math.min(index, c[range + RANGE_START]), Math.max(index, c[range + RANGE_END]), maxBuckets);
            downscale(c, base + POSITIVE, base + HEADER, by);
            downscale(c, base + NEGATIVE, base + HEADER + maxBuckets, by);
            scale -= by;
            c[base + SCALE] = scale;
            index = Base2Indexer.index(magnitude, scale);
        }
    }

    /** Counts {@code index} in the window if it fits. @return false if the window would span more than maxBuckets */
    private boolean increment(long[] c, int range, int counts, long index) {
        long start = c[range + RANGE_START];
        long end = c[range + RANGE_END];
        if (start > end) {
            c[range + RANGE_BASE] = index;
            c[range + RANGE_START] = index;
            c[range + RANGE_END] = index;
            c[counts]++;
            return true;
        }
        long newStart = Math.min(start, index);
        long newEnd = Math.max(end, index);
        if (newEnd - newStart >= maxBuckets) {
            return false;
        }
        c[range + RANGE_START] = newStart;
        c[range + RANGE_END] = newEnd;
        c[counts + slot(index, c[range + RANGE_BASE], maxBuckets)]++;
        return true;
    }

    /** The circular slot of {@code index}: both it and {@code base} lie in a window narrower than {@code capacity}. */
    static int slot(long index, long base, int capacity) {
        int slot = (int) (index - base);
        if (slot >= capacity) {
            slot -= capacity;
        } else if (slot < 0) {
            slot += capacity;
        }
        return slot;
    }

    /** @return the fewest halvings of the scale after which {@code [start, end]} spans at most {@code maxBuckets} indexes */
    static int reduction(long start, long end, int maxBuckets) {
        int by = 0;
        while ((end >> by) - (start >> by) >= maxBuckets) {
            by++;
        }
        return by;
    }

    /**
     * Lowers a range's scale by {@code by}, in place and without allocating: first the circular
     * window is rotated so that slot 0 holds its start, then each count moves to slot {@code (index >>
     * by) - (start >> by)}, which is never above the slot it comes from, so walking up the slots
     * never overwrites a count not yet moved.
     */
    private void downscale(long[] c, int range, int counts, int by) {
        long start = c[range + RANGE_START];
        long end = c[range + RANGE_END];
        if (by == 0 || start > end) {
            return;
        }
        int first = slot(start, c[range + RANGE_BASE], maxBuckets);
        if (first != 0) { // rotate left by first: three reversals
            reverse(c, counts, counts + first - 1);
            reverse(c, counts + first, counts + maxBuckets - 1);
            reverse(c, counts, counts + maxBuckets - 1);
        }
        long newStart = start >> by;
        int used = (int) (end - start);
        for (int p = 0; p <= used; p++) {
            long v = c[counts + p];
            if (v != 0) {
                c[counts + p] = 0;
                c[counts + (int) (((start + p) >> by) - newStart)] += v;
            }
        }
        c[range + RANGE_BASE] = newStart;
        c[range + RANGE_START] = newStart;
        c[range + RANGE_END] = end >> by;
    }

    private static void reverse(long[] c, int from, int to) {
        while (from < to) {
            long t = c[from];
            c[from++] = c[to];
            c[to--] = t;
        }
    }

    /**
     * Copies every stripe into {@code snapshot} ({@code stripes x stride} longs), each under its busy
     * flag so each is consistent; with {@code reset}, empties each stripe as it is copied.
     * Collecting thread only.
     */
    void snapshot(long[] snapshot, boolean reset) {
        final long[] c = cells;
        for (int s = 0; s < stripes; s++) {
            int base = PAD + s * stride;
            while (!LONGS.weakCompareAndSetAcquire(c, base + BUSY, 0L, 1L)) {
                Thread.onSpinWait(); // a record holds it for a few dozen nanoseconds
            }
            try {
                System.arraycopy(c, base, snapshot, s * stride, stride);
                if (reset && c[base + COUNT] != 0) {
                    reset(c, base);
                }
            } finally {
                LONGS.setRelease(c, base + BUSY, 0L);
            }
        }
    }

    @Override
    int exemplarSlot(double value) {
        return value == 0 ? 0 : Base2Indexer.index(Math.abs(value), 0) & (EXEMPLAR_SLOTS - 1);
    }

    @Override
    int exemplarSlots() {
        return EXEMPLAR_SLOTS;
    }
}
