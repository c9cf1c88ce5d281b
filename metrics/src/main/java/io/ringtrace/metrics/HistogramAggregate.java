package io.ringtrace.metrics;

/**
 * The state of one {@link Histogram} series, whichever its aggregation: explicit buckets ({@link
 * HistogramSeries}) or base-2 exponential buckets ({@link ExponentialHistogramSeries}). Exemplars
 * are created at the first one (null until then), once per series.
 */
abstract class HistogramAggregate extends Series {

    private volatile ExemplarSlots exemplars;

    HistogramAggregate(Attributes attributes) {
        super(attributes);
    }

    /** Records a finite value (the caller refuses NaN and infinities). */
    abstract void record(double value);

    /** @return the exemplar slot of {@code value} */
    abstract int exemplarSlot(double value);

    /** @return how many exemplar slots a series keeps */
    abstract int exemplarSlots();

    /** Records a finite value measured inside the sampled span with these ids, and keeps it as its slot's exemplar. */
    final void record(double value, long traceIdHigh, long traceIdLow, long spanId, long epochNanos) {
        record(value);
        ExemplarSlots e = exemplars;
        if (e == null) {
            e = createExemplars();
        }
        e.offer(exemplarSlot(value), value, traceIdHigh, traceIdLow, spanId, epochNanos);
    }

    private synchronized ExemplarSlots createExemplars() {
        ExemplarSlots e = exemplars;
        if (e == null) {
            e = new ExemplarSlots(exemplarSlots()); // once per series, at its first exemplar
            exemplars = e;
        }
        return e;
    }

    /**
     * @param out {@value ExemplarSlots#OUT_STRIDE} longs per exemplar
     * @param onlyNew only those recorded since the previous collection (delta)
     * @return how many exemplars were copied
     */
    final int collectExemplars(long[] out, boolean onlyNew) {
        ExemplarSlots e = exemplars;
        return e == null ? 0 : e.collect(out, onlyNew);
    }
}
