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
final class HistogramSeries extends Series {

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
    /**
     * Exemplars, one per bucket, created at the first one (null until then): per bucket {@value
     * #EXEMPLAR_STRIDE} longs [version, trace id high, trace id low, span id, value bits, time,
     * version reported last (collecting thread only)]. A writer claims a bucket's slot by CASing its
     * version from even to odd, writes, and releases it even again; a writer that finds it taken skips
     * (an exemplar is a sample: losing one is fine, tearing one is not). The collector reads the
     * version, the fields, then the version again, and keeps the exemplar only if both are the same
     * even number.
     */
    private volatile long[] exemplars;
    static final int EXEMPLAR_STRIDE = 7;

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

    /** Records a finite value (the caller refuses NaN and infinities). */
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

    /** Records a finite value measured inside the sampled span with these ids, and keeps it as its bucket's exemplar. */
    void record(double value, long traceIdHigh, long traceIdLow, long spanId, long epochNanos) {
        record(value);
        long[] e = exemplars;
        if (e == null) {
            e = createExemplars();
        }
        int slot = EXEMPLAR_STRIDE * bucketOf(boundaries, value);
        long version = (long) LONGS.getVolatile(e, slot);
        if ((version & 1) != 0 || !LONGS.compareAndSet(e, slot, version, version + 1)) {
            return; // another thread is writing this bucket's exemplar: keep theirs
        }
        LONGS.setOpaque(e, slot + 1, traceIdHigh);
        LONGS.setOpaque(e, slot + 2, traceIdLow);
        LONGS.setOpaque(e, slot + 3, spanId);
        LONGS.setOpaque(e, slot + 4, Double.doubleToRawLongBits(value));
        LONGS.setOpaque(e, slot + 5, epochNanos);
        LONGS.setRelease(e, slot, version + 2); // the fields are visible before the even version
    }

    private synchronized long[] createExemplars() {
        long[] e = exemplars;
        if (e == null) {
            e = new long[EXEMPLAR_STRIDE * buckets]; // once per series, at its first exemplar
            exemplars = e;
        }
        return e;
    }

    /**
     * Copies the buckets' exemplars into {@code out} (5 longs each: trace id high, low, span id, value
     * bits, time), in bucket order; with {@code onlyNew}, only those recorded since the last call.
     *
     * @return how many
     */
    int collectExemplars(long[] out, boolean onlyNew) {
        long[] e = exemplars;
        if (e == null) {
            return 0;
        }
        int n = 0;
        for (int b = 0; b < buckets; b++) {
            int slot = EXEMPLAR_STRIDE * b;
            long version = (long) LONGS.getAcquire(e, slot);
            if (version == 0 || (version & 1) != 0 || (onlyNew && version == e[slot + 6])) {
                continue; // none yet, being written (it comes next time), or sent before
            }
            long high = (long) LONGS.getOpaque(e, slot + 1);
            long low = (long) LONGS.getOpaque(e, slot + 2);
            long span = (long) LONGS.getOpaque(e, slot + 3);
            long value = (long) LONGS.getOpaque(e, slot + 4);
            long time = (long) LONGS.getOpaque(e, slot + 5);
            VarHandle.acquireFence(); // the field reads happen before the version is read again
            if ((long) LONGS.getVolatile(e, slot) != version) {
                continue; // rewritten while read: the new one comes next time
            }
            e[slot + 6] = version;
            out[5 * n] = high;
            out[5 * n + 1] = low;
            out[5 * n + 2] = span;
            out[5 * n + 3] = value;
            out[5 * n + 4] = time;
            n++;
        }
        return n;
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
