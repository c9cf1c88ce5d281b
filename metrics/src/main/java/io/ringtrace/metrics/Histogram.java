package io.ringtrace.metrics;

import io.ringtrace.engine.Span;
import java.util.Arrays;

/**
 * A histogram with explicit bucket boundaries ({@code Histogram}): latencies, sizes. Records count,
 * sum, min, max and the count per bucket; bucket {@code i} holds values in {@code (boundaries[i-1],
 * boundaries[i]]}, the last one everything above. NaN and infinite values are refused (counted,
 * never thrown). Thread-safe, lock-free and allocation-free to record.
 */
public final class Histogram extends Instrument {

    /** OpenTelemetry's default boundaries for an explicit-bucket histogram. */
    static final double[] DEFAULT_BOUNDARIES = {0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000};

    private final double[] boundaries;
    /** {@code HistogramDataPoint.explicit_bounds} as packed little-endian doubles, encoded once. */
    final byte[] packedBoundaries;
    private final int stripes;
    /** Collection scratch (collections are serialized by the provider). */
    final long[] counts;
    final double[] sumMinMax = new double[3];
    /** Collection scratch: the exemplars of one series, 5 longs each. */
    final long[] exemplarScratch;
    private final java.util.function.LongSupplier clock;

    Histogram(InstrumentBuilder<?> builder, boolean delta, int stripes, java.util.function.LongSupplier clock) {
        super(builder, InstrumentKind.HISTOGRAM, delta);
        this.clock = clock;
        this.boundaries = builder.boundaries == null ? DEFAULT_BOUNDARIES : builder.boundaries;
        this.stripes = stripes;
        this.counts = new long[boundaries.length + 1];
        this.exemplarScratch = new long[5 * counts.length];
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
    Series newSeries(Attributes attributes) {
        // the table passes the series' attributes; a histogram series copies nothing from the instrument but the boundaries
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
        ((HistogramSeries) table.get(orEmpty(attributes))).record(value);
    }

    /**
     * {@link #record(double, Attributes)} inside a span: if the span is sampled, the measurement
     * becomes its bucket's exemplar with the span's trace and span ids (the specification's
     * trace-based exemplar filter), at the cost of one clock read.
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
        recordInSpan((HistogramSeries) table.get(orEmpty(attributes)), value, span);
    }

    private void recordInSpan(HistogramSeries series, double value, Span span) {
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
        return new Bound(this, (HistogramSeries) table.get(requireAttributes(attributes)));
    }

    /** A {@link Histogram} bound to one attribute set. Thread-safe. */
    public static final class Bound {
        private final Histogram histogram;
        private final HistogramSeries series;

        Bound(Histogram histogram, HistogramSeries series) {
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
         * @param span the span it was measured in: a sampled span's ids become the bucket's exemplar (null: none)
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
}
