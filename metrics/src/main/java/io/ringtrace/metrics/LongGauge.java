package io.ringtrace.metrics;

/**
 * A synchronous long gauge ({@code Gauge}): the last value set per series, reported at every
 * collection (no temporality). Thread-safe, lock-free and allocation-free to record.
 */
public final class LongGauge extends Instrument {

    LongGauge(InstrumentBuilder<?> builder, boolean delta) {
        super(builder, InstrumentKind.LONG_GAUGE, delta);
    }

    @Override
    Series newSeries(Attributes attributes) {
        return new GaugeSeries(attributes);
    }

    /** @param value the current value, recorded without attributes */
    public void set(long value) {
        set(value, Attributes.empty());
    }

    /**
     * @param value the current value
     * @param attributes the series' attributes (null: none)
     */
    public void set(long value, Attributes attributes) {
        ((GaugeSeries) table.get(orEmpty(attributes))).set(value);
    }

    /**
     * @param attributes the series' attributes; not null
     * @return a handle that sets that series without any lookup
     */
    public Bound bind(Attributes attributes) {
        return new Bound((GaugeSeries) table.get(requireAttributes(attributes)));
    }

    /** A {@link LongGauge} bound to one attribute set. Thread-safe. */
    public static final class Bound {
        private final GaugeSeries series;

        Bound(GaugeSeries series) {
            this.series = series;
        }

        /** @param value the current value */
        public void set(long value) {
            series.set(value);
        }
    }

    @Override
    void collect(MetricsEncoder out, long startNanos, long nowNanos) {
        GaugeSeries.collect(this, out, nowNanos, false);
    }
}
