package io.ringtrace.metrics;

import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import java.util.List;

/**
 * The test's own model of an exponential histogram point, computed from all the values of its
 * interval at once, as the data model defines it: the scale is the largest one at most {@code
 * maxScale} at which each sign's indexes span at most {@code maxBuckets}.
 */
final class ExponentialModel {

    private ExponentialModel() {}

    /** The data model's index: the logarithm method above scale 0, the exponent below. Normal values. */
    static long index(double magnitude, int scale) {
        if (scale > 0) {
            return (long) Math.ceil(Math.log(magnitude) * Math.scalb(1 / Math.log(2), scale)) - 1;
        }
        int exponent = Math.getExponent(magnitude);
        if (magnitude == Math.scalb(1.0, exponent)) {
            exponent--; // an exact power of two is the upper bound of the bucket below
        }
        return exponent >> -scale;
    }

    /** Sets scale, zero count, positive and negative buckets of {@code point} from {@code values}. */
    static void fill(ExponentialHistogramDataPoint.Builder point, List<Double> values, int maxBuckets, int maxScale) {
        int scale = maxScale;
        while (!fits(values, scale, maxBuckets, 1) || !fits(values, scale, maxBuckets, -1)) {
            scale--;
        }
        long zeros = 0;
        for (double v : values) {
            if (v == 0) {
                zeros++;
            }
        }
        point.setScale(scale).setZeroCount(zeros).setPositive(buckets(values, scale, 1)).setNegative(buckets(values, scale, -1));
    }

    private static boolean fits(List<Double> values, int scale, int maxBuckets, int sign) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (double v : values) {
            if (Math.signum(v) == sign) {
                long i = index(Math.abs(v), scale);
                min = Math.min(min, i);
                max = Math.max(max, i);
            }
        }
        return min > max || max - min < maxBuckets;
    }

    private static ExponentialHistogramDataPoint.Buckets buckets(List<Double> values, int scale, int sign) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (double v : values) {
            if (Math.signum(v) == sign) {
                long i = index(Math.abs(v), scale);
                min = Math.min(min, i);
                max = Math.max(max, i);
            }
        }
        ExponentialHistogramDataPoint.Buckets.Builder b = ExponentialHistogramDataPoint.Buckets.newBuilder();
        if (min > max) {
            return b.build();
        }
        long[] counts = new long[(int) (max - min + 1)];
        for (double v : values) {
            if (Math.signum(v) == sign) {
                counts[(int) (index(Math.abs(v), scale) - min)]++;
            }
        }
        b.setOffset((int) min);
        for (long c : counts) {
            b.addBucketCounts(c);
        }
        return b.build();
    }
}
