package io.ringtrace.metrics;

/**
 * A monotonic long counter ({@code Sum}, monotonic): request counts, bytes sent. Negative increments
 * are refused (counted, never thrown). Thread-safe, lock-free and allocation-free to record; see
 * {@link #bind(Attributes)} for the fastest path.
 */
public final class LongCounter extends Instrument {

    LongCounter(InstrumentBuilder<?> builder, boolean delta) {
        super(builder, InstrumentKind.LONG_COUNTER, delta);
    }

    @Override
    Series newSeries(Attributes attributes) {
        return new LongSumSeries(attributes);
    }

    /** @param increment a non-negative amount, recorded without attributes */
    public void add(long increment) {
        add(increment, Attributes.empty());
    }

    /**
     * Adds to the series of {@code attributes}: a lookup by identity, then hash and bytes, that
     * allocates nothing once the set has been seen.
     *
     * @param increment a non-negative amount
     * @param attributes the series' attributes (null: none)
     */
    public void add(long increment, Attributes attributes) {
        if (increment < 0) {
            refused.increment();
            return;
        }
        ((LongSumSeries) table.get(orEmpty(attributes))).sum.add(increment);
    }

    /**
     * @param attributes the series' attributes; not null
     * @return a handle that adds to that series without any lookup
     */
    public Bound bind(Attributes attributes) {
        return new Bound(this, (LongSumSeries) table.get(requireAttributes(attributes)));
    }

    /** A {@link LongCounter} bound to one attribute set. Thread-safe. */
    public static final class Bound {
        private final LongCounter counter;
        private final LongSumSeries series;

        Bound(LongCounter counter, LongSumSeries series) {
            this.counter = counter;
            this.series = series;
        }

        /** @param increment a non-negative amount */
        public void add(long increment) {
            if (increment < 0) {
                counter.refused.increment();
                return;
            }
            series.sum.add(increment);
        }
    }

    @Override
    void collect(MetricsEncoder out, long startNanos, long nowNanos) {
        LongSumSeries.collect(this, out, startNanos, nowNanos);
    }
}
