package io.ringtrace.metrics;

/**
 * The bucket index of a positive value in a base-2 exponential histogram of a given scale, as the
 * OpenTelemetry data model defines it: bucket {@code i} holds values in {@code (base^i, base^(i+1)]}
 * with {@code base = 2^(2^-scale)}. For scales above 0 the index is computed with the natural
 * logarithm ({@code ceil(ln(v) * 2^scale / ln 2) - 1}), the data model's logarithm method and the
 * one the OpenTelemetry Java SDK uses, so both put a value in the same bucket; for scale 0 and below
 * it is exact, from the double's exponent bits. Stateless and allocation-free.
 */
final class Base2Indexer {

    /** The largest scale: OpenTelemetry's default, and the data model's practical limit for doubles. */
    static final int MAX_SCALE = 20;
    /** The smallest scale: every double's index fits in two buckets there. */
    static final int MIN_SCALE = -10;

    private static final long EXPONENT_MASK = 0x7FF0000000000000L;
    private static final long SIGNIFICAND_MASK = 0x000FFFFFFFFFFFFFL;
    private static final int SIGNIFICAND_BITS = 52;
    private static final int EXPONENT_BITS = 11;
    private static final int EXPONENT_BIAS = 1023;
    /** {@code 2^scale / ln 2} for scales 0..{@value #MAX_SCALE}. */
    private static final double[] SCALE_FACTORS = new double[MAX_SCALE + 1];

    static {
        for (int s = 0; s <= MAX_SCALE; s++) {
            SCALE_FACTORS[s] = Math.scalb(1 / Math.log(2), s);
        }
    }

    private Base2Indexer() {}

    /**
     * @param magnitude a positive finite value (subnormals included)
     * @param scale in [{@value #MIN_SCALE}, {@value #MAX_SCALE}]
     * @return its bucket index at that scale
     */
    static int index(double magnitude, int scale) {
        if (scale > 0) {
            return (int) Math.ceil(Math.log(magnitude) * SCALE_FACTORS[scale]) - 1;
        }
        return indexAtScaleZero(magnitude) >> -scale;
    }

    /** Exact: the binary exponent, one less for an exact power of two (its bucket's upper bound is inclusive). */
    private static int indexAtScaleZero(double magnitude) {
        long bits = Double.doubleToRawLongBits(magnitude);
        long exponent = (bits & EXPONENT_MASK) >>> SIGNIFICAND_BITS;
        long significand = bits & SIGNIFICAND_MASK;
        if (exponent == 0) {
            // subnormal: the exponent its leading one bit would have in a normal double; (significand - 1)
            // moves an exact power of two one bucket down, as the normal case below does
            exponent -= Long.numberOfLeadingZeros(significand - 1) - EXPONENT_BITS - 1;
        }
        int unbiased = (int) (exponent - EXPONENT_BIAS);
        return significand == 0 ? unbiased - 1 : unbiased;
    }
}
