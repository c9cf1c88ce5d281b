package io.ringtrace.metrics;

import io.ringtrace.engine.Span;
import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * A histogram: latencies, sizes. Records count, sum, min, max and counts per bucket, with one of two
 * aggregations chosen at creation:
 * <ul>
 *   <li>explicit buckets ({@code Histogram} on the wire, the default): bucket {@code i} holds values
 *       in {@code (boundaries[i-1], boundaries[i]]}, the last one everything above;</li>
 *   <li>base-2 exponential buckets ({@code ExponentialHistogram}, {@link
 *       InstrumentBuilder#exponential()}): at most {@code maxBuckets} buckets per sign whose bounds
 *       are powers of {@code 2^(2^-scale)}, the scale starting at {@code maxScale} and lowered as the
 *       range of values grows.</li>
 * </ul>
 * NaN and infinite values are refused (counted, never thrown). Thread-safe and allocation-free to
 * record; explicit buckets are lock-free, exponential buckets take one uncontended per-thread
 * stripe flag ({@link ExponentialHistogramSeries}).
 */
public final class Histogram extends Instrument {

    /** OpenTelemetry's default boundaries for an explicit-bucket histogram. */
    static final double[] DEFAULT_BOUNDARIES = {0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000};
    /** OpenTelemetry's default number of buckets per sign of an exponential histogram. */
    public static final int DEFAULT_MAX_BUCKETS = 160;
    /** OpenTelemetry's default (and largest) starting scale of an exponential histogram. */
    public static final int DEFAULT_MAX_SCALE = Base2Indexer.MAX_SCALE;

    private final double[] boundaries;
    /** {@code HistogramDataPoint.explicit_bounds} as packed little-endian doubles, encoded once. */
    final byte[] packedBoundaries;
    /** Exponential only: buckets per sign, and the starting scale; 0 for explicit buckets. */
    final int maxBuckets;
    final int maxScale;
    private final int stripes;
    /** Collection scratch (collections are serialized by the provider). */
    final long[] counts;
    final double[] sumMinMax = new double[3];
    /** Collection scratch: the exemplars of one series, 5 longs each. */
    final long[] exemplarScratch;
    /** Collection scratch of an exponential histogram; null for explicit buckets. */
    private final ExponentialPoint exponentialPoint;
    private final LongSupplier clock;

    Histogram(InstrumentBuilder<?> builder, InstrumentKind kind, boolean delta, int stripes, LongSupplier clock) {
        super(builder, kind, delta);
        this.clock = clock;
        this.stripes = stripes;
        if (kind == InstrumentKind.EXPONENTIAL_HISTOGRAM) {
            this.boundaries = null;
            this.packedBoundaries = new byte[0];
            this.maxBuckets = builder.maxBuckets;
            this.maxScale = builder.maxScale;
            this.counts = new long[0];
            this.exemplarScratch = new long[ExemplarSlots.OUT_STRIDE * ExponentialHistogramSeries.EXEMPLAR_SLOTS];
            this.exponentialPoint = new ExponentialPoint(maxBuckets, maxScale, stripes, ExponentialHistogramSeries.stride(maxBuckets));
            return;
        }
        this.boundaries = builder.boundaries == null ? DEFAULT_BOUNDARIES : builder.boundaries;
        this.maxBuckets = 0;
        this.maxScale = 0;
        this.exponentialPoint = null;
        this.counts = new long[boundaries.length + 1];
        this.exemplarScratch = new long[ExemplarSlots.OUT_STRIDE * counts.length];
        this.packedBoundaries = new byte[8 * boundaries.length];
        for (int i = 0; i < boundaries.length; i++) {
            long bits = Double.doubleToRawLongBits(boundaries[i]);
            for (int j = 0; j < 8; j++, bits >>>= 8) {
                packedBoundaries[8 * i + j] = (byte) bits;
            }
        }
    }

    /**
     * @param boundaries the boundaries; strictly increasing, finite
     * @return a copy of them, checked
     */
    static double[] checkBoundaries(double[] boundaries) {
        if (boundaries == null) {
            throw new IllegalArgumentException("boundaries must not be null");
        }
        double[] copy = boundaries.clone();
        for (int i = 0; i < copy.length; i++) {
            if (!Double.isFinite(copy[i]) || (i > 0 && !(copy[i] > copy[i - 1]))) {
                throw new IllegalArgumentException("boundaries must be finite and strictly increasing: " + Arrays.toString(copy));
            }
        }
        return copy;
    }

    @Override
    double[] boundaries() {
        return boundaries;
    }

    @Override
    boolean sameDescriptor(InstrumentKind otherKind, InstrumentBuilder<?> b) {
        return super.sameDescriptor(otherKind, b) && maxBuckets == b.maxBuckets && maxScale == b.maxScale;
    }

    @Override
    Series newSeries(Attributes attributes) {
        if (exponentialPoint != null) {
            return new ExponentialHistogramSeries(attributes, maxBuckets, maxScale, stripes);
        }
        return new HistogramSeries(attributes, boundaries, stripes);
    }

    /** @param value a finite value, recorded without attributes */
    public void record(double value) {
        record(value, Attributes.empty());
    }

    /**
     * @param value a finite value
     * @param attributes the series' attributes (null: none)
     */
    public void record(double value, Attributes attributes) {
        if (!Double.isFinite(value)) {
            refused.increment();
            return;
        }
        ((HistogramAggregate) table.get(orEmpty(attributes))).record(value);
    }

    /**
     * {@link #record(double, Attributes)} inside a span: if the span is sampled, the measurement
     * becomes an exemplar with the span's trace and span ids (the specification's trace-based
     * exemplar filter), at the cost of one clock read. Explicit buckets keep the latest per bucket;
     * exponential buckets the latest per power-of-two magnitude (16 slots).
     *
     * @param value a finite value
     * @param attributes the series' attributes (null: none)
     * @param span the span the measurement was taken in (null: none)
     */
    public void record(double value, Attributes attributes, Span span) {
        if (!Double.isFinite(value)) {
            refused.increment();
            return;
        }
        recordInSpan((HistogramAggregate) table.get(orEmpty(attributes)), value, span);
    }

    private void recordInSpan(HistogramAggregate series, double value, Span span) {
        if (span != null && span.isSampled()) {
            series.record(value, span.traceIdHigh(), span.traceIdLow(), span.spanId(), clock.getAsLong());
        } else {
            series.record(value);
        }
    }

    /**
     * @param attributes the series' attributes; not null
     * @return a handle that records into that series without any lookup
     */
    public Bound bind(Attributes attributes) {
        return new Bound(this, (HistogramAggregate) table.get(requireAttributes(attributes)));
    }

    /** A {@link Histogram} bound to one attribute set. Thread-safe. */
    public static final class Bound {
        private final Histogram histogram;
        private final HistogramAggregate series;

        Bound(Histogram histogram, HistogramAggregate series) {
            this.histogram = histogram;
            this.series = series;
        }

        /** @param value a finite value */
        public void record(double value) {
            if (!Double.isFinite(value)) {
                histogram.refused.increment();
                return;
            }
            series.record(value);
        }

        /**
         * @param value a finite value
         * @param span the span it was measured in: a sampled span's ids become an exemplar (null: none)
         */
        public void record(double value, Span span) {
            if (!Double.isFinite(value)) {
                histogram.refused.increment();
                return;
            }
            histogram.recordInSpan(series, value, span);
        }
    }

    @Override
    void collect(MetricsEncoder out, long startNanos, long nowNanos) {
        if (exponentialPoint != null) {
            collectExponential(out, startNanos, nowNanos);
            return;
        }
        for (int i = table.count() - 1; i >= 0; i--) {
            HistogramSeries s = (HistogramSeries) table.at(i);
            s.collect(counts, sumMinMax, delta);
            long count = 0;
            for (long c : counts) {
                count += c;
            }
            int exemplarCount = s.collectExemplars(exemplarScratch, delta);
            if (delta && count == 0 && sumMinMax[0] == 0) {
                continue; // nothing since the last collection (a sum without a count is the tail of a racing record: sent)
            }
            out.histogramPoint(s.attributes, startNanos, nowNanos, count, sumMinMax[0], sumMinMax[1], sumMinMax[2], counts,
                    packedBoundaries, exemplarScratch, exemplarCount);
        }
    }

    private void collectExponential(MetricsEncoder out, long startNanos, long nowNanos) {
        ExponentialPoint p = exponentialPoint;
        for (int i = table.count() - 1; i >= 0; i--) {
            ExponentialHistogramSeries s = (ExponentialHistogramSeries) table.at(i);
            p.collect(s, delta);
            int exemplarCount = s.collectExemplars(exemplarScratch, delta);
            if (delta && p.count == 0) {
                continue; // nothing since the last collection
            }
            out.exponentialHistogramPoint(s.attributes, startNanos, nowNanos, p, exemplarScratch, exemplarCount);
        }
    }
}
