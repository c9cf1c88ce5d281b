package io.ringtrace.metrics;

import static io.ringtrace.metrics.ExponentialHistogramSeries.COUNT;
import static io.ringtrace.metrics.ExponentialHistogramSeries.HEADER;
import static io.ringtrace.metrics.ExponentialHistogramSeries.MAX;
import static io.ringtrace.metrics.ExponentialHistogramSeries.MIN;
import static io.ringtrace.metrics.ExponentialHistogramSeries.NEGATIVE;
import static io.ringtrace.metrics.ExponentialHistogramSeries.POSITIVE;
import static io.ringtrace.metrics.ExponentialHistogramSeries.RANGE_BASE;
import static io.ringtrace.metrics.ExponentialHistogramSeries.RANGE_END;
import static io.ringtrace.metrics.ExponentialHistogramSeries.RANGE_START;
import static io.ringtrace.metrics.ExponentialHistogramSeries.SCALE;
import static io.ringtrace.metrics.ExponentialHistogramSeries.SUM;
import static io.ringtrace.metrics.ExponentialHistogramSeries.ZERO_COUNT;

import java.util.Arrays;

/**
 * One {@code ExponentialHistogramDataPoint} being collected: a series' stripes merged into one
 * scale. The merged scale is the lowest of the stripes' scales, lowered further until the union of
 * their windows fits {@code maxBuckets} (the scale one stripe would have reached with all the
 * values). Collection scratch of one instrument, reused for every series: allocation-free.
 */
final class ExponentialPoint {

    private final int maxBuckets;
    private final int maxScale;
    /** The series' stripes as copied under their flags. */
    final long[] snapshot;

    long count;
    long zeroCount;
    double sum;
    double min;
    double max;
    int scale;
    long positiveOffset;
    int positiveLength;
    final long[] positiveCounts;
    long negativeOffset;
    int negativeLength;
    final long[] negativeCounts;
    /** Set by {@link #merge}: the bucket count of the range it merged. */
    private int length;

    ExponentialPoint(int maxBuckets, int maxScale, int stripes, int stride) {
        this.maxBuckets = maxBuckets;
        this.maxScale = maxScale;
        this.snapshot = new long[stripes * stride];
        this.positiveCounts = new long[maxBuckets];
        this.negativeCounts = new long[maxBuckets];
    }

    /** Reads {@code series} (resetting it for delta) and merges its stripes. */
    void collect(ExponentialHistogramSeries series, boolean reset) {
        series.snapshot(snapshot, reset);
        int stripes = series.stripes;
        int stride = series.stride;
        long[] s = snapshot;
        count = 0;
        zeroCount = 0;
        sum = 0;
        min = Double.POSITIVE_INFINITY;
        max = Double.NEGATIVE_INFINITY;
        int merged = maxScale;
        for (int i = 0; i < stripes; i++) {
            int base = i * stride;
            if (s[base + COUNT] == 0) {
                continue;
            }
            count += s[base + COUNT];
            zeroCount += s[base + ZERO_COUNT];
            sum += Double.longBitsToDouble(s[base + SUM]);
            min = Math.min(min, Double.longBitsToDouble(s[base + MIN]));
            max = Math.max(max, Double.longBitsToDouble(s[base + MAX]));
            if (!empty(s, base + POSITIVE) || !empty(s, base + NEGATIVE)) {
                merged = Math.min(merged, (int) s[base + SCALE]);
            }
        }
        int by = Math.max(unionReduction(stripes, stride, POSITIVE, merged), unionReduction(stripes, stride, NEGATIVE, merged));
        scale = merged - by;
        positiveOffset = merge(stripes, stride, POSITIVE, HEADER, positiveCounts);
        positiveLength = length;
        negativeOffset = merge(stripes, stride, NEGATIVE, HEADER + maxBuckets, negativeCounts);
        negativeLength = length;
    }

    private static boolean empty(long[] s, int range) {
        return s[range + RANGE_START] > s[range + RANGE_END];
    }

    /** @return how much below {@code merged} the union of the stripes' windows of this range needs */
    private int unionReduction(int stripes, int stride, int range, int merged) {
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        long[] s = snapshot;
        for (int i = 0; i < stripes; i++) {
            int r = i * stride + range;
            if (s[i * stride + COUNT] == 0 || empty(s, r)) {
                continue;
            }
            int shift = (int) s[i * stride + SCALE] - merged;
            start = Math.min(start, s[r + RANGE_START] >> shift);
            end = Math.max(end, s[r + RANGE_END] >> shift);
        }
        return start > end ? 0 : ExponentialHistogramSeries.reduction(start, end, maxBuckets);
    }

    /** Adds the stripes' counts of one range into {@code out} at the point's scale. @return the offset (first index) */
    private long merge(int stripes, int stride, int range, int countsAt, long[] out) {
        long[] s = snapshot;
        long start = Long.MAX_VALUE;
        long end = Long.MIN_VALUE;
        for (int i = 0; i < stripes; i++) {
            int r = i * stride + range;
            if (s[i * stride + COUNT] == 0 || empty(s, r)) {
                continue;
            }
            int shift = (int) s[i * stride + SCALE] - scale;
            start = Math.min(start, s[r + RANGE_START] >> shift);
            end = Math.max(end, s[r + RANGE_END] >> shift);
        }
        if (start > end) {
            length = 0;
            return 0;
        }
        length = (int) (end - start + 1);
        Arrays.fill(out, 0, length, 0L);
        for (int i = 0; i < stripes; i++) {
            int r = i * stride + range;
            if (s[i * stride + COUNT] == 0 || empty(s, r)) {
                continue;
            }
            int shift = (int) s[i * stride + SCALE] - scale;
            long base = s[r + RANGE_BASE];
            int counts = i * stride + countsAt;
            for (long index = s[r + RANGE_START], last = s[r + RANGE_END]; index <= last; index++) {
                long v = s[counts + ExponentialHistogramSeries.slot(index, base, maxBuckets)];
                if (v != 0) {
                    out[(int) ((index >> shift) - start)] += v;
                }
            }
        }
        return start;
    }
}
