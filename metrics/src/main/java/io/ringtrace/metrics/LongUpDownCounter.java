package io.ringtrace.metrics;

/**
 * A long sum that goes up and down ({@code Sum}, not monotonic, always cumulative): queue depths,
 * connections open. Thread-safe, lock-free and allocation-free to record.
 */
public final class LongUpDownCounter extends Instrument {

    LongUpDownCounter(InstrumentBuilder<?> builder, boolean delta) {
        super(builder, InstrumentKind.LONG_UP_DOWN_COUNTER, delta);
    }

    @Override
    Series newSeries(Attributes attributes) {
        return new LongSumSeries(attributes);
    }

    /** @param amount the change, recorded without attributes */
    public void add(long amount) {
        add(amount, Attributes.empty());
    }

    /**
     * @param amount the change
     * @param attributes the series' attributes (null: none)
     */
    public void add(long amount, Attributes attributes) {
        ((LongSumSeries) table.get(orEmpty(attributes))).sum.add(amount);
    }

    /**
     * @param attributes the series' attributes; not null
     * @return a handle that adds to that series without any lookup
     */
    public Bound bind(Attributes attributes) {
        return new Bound((LongSumSeries) table.get(requireAttributes(attributes)));
    }

    /** A {@link LongUpDownCounter} bound to one attribute set. Thread-safe. */
    public static final class Bound {
        private final LongSumSeries series;

        Bound(LongSumSeries series) {
            this.series = series;
        }

        /** @param amount the change */
        public void add(long amount) {
            series.sum.add(amount);
        }
    }

    @Override
    void collect(MetricsEncoder out, long startNanos, long nowNanos) {
        LongSumSeries.collect(this, out, startNanos, nowNanos);
    }
}
