package io.ringtrace.metrics;

import java.util.concurrent.atomic.DoubleAdder;

/**
 * A monotonic double counter ({@code Sum}, monotonic, double points): seconds of CPU, amounts.
 * Negative, NaN and infinite increments are refused (counted, never thrown). State per series: a
 * {@link DoubleAdder} (striped cells, as {@link LongCounter}'s adder).
 */
public final class DoubleCounter extends Instrument {

    DoubleCounter(InstrumentBuilder<?> builder, boolean delta) {
        super(builder, InstrumentKind.DOUBLE_COUNTER, delta);
    }

    static final class DoubleSumSeries extends Series {
        final DoubleAdder sum = new DoubleAdder();

        DoubleSumSeries(Attributes attributes) {
            super(attributes);
        }
    }

    @Override
    Series newSeries(Attributes attributes) {
        return new DoubleSumSeries(attributes);
    }

    /** @param increment a non-negative finite amount, recorded without attributes */
    public void add(double increment) {
        add(increment, Attributes.empty());
    }

    /**
     * @param increment a non-negative finite amount
     * @param attributes the series' attributes (null: none)
     */
    public void add(double increment, Attributes attributes) {
        if (!(increment >= 0) || increment == Double.POSITIVE_INFINITY) {
            refused.increment();
            return;
        }
        ((DoubleSumSeries) table.get(orEmpty(attributes))).sum.add(increment);
    }

    /**
     * @param attributes the series' attributes; not null
     * @return a handle that adds to that series without any lookup
     */
    public Bound bind(Attributes attributes) {
        return new Bound(this, (DoubleSumSeries) table.get(requireAttributes(attributes)));
    }

    /** A {@link DoubleCounter} bound to one attribute set. Thread-safe. */
    public static final class Bound {
        private final DoubleCounter counter;
        private final DoubleSumSeries series;

        Bound(DoubleCounter counter, DoubleSumSeries series) {
            this.counter = counter;
            this.series = series;
        }

        /** @param increment a non-negative finite amount */
        public void add(double increment) {
            if (!(increment >= 0) || increment == Double.POSITIVE_INFINITY) {
                counter.refused.increment();
                return;
            }
            series.sum.add(increment);
        }
    }

    @Override
    void collect(MetricsEncoder out, long startNanos, long nowNanos) {
        for (int i = table.count() - 1; i >= 0; i--) {
            DoubleSumSeries s = (DoubleSumSeries) table.at(i);
            double value = delta ? s.sum.sumThenReset() : s.sum.sum();
            if (delta && value == 0) {
                continue;
            }
            out.doublePoint(s.attributes, startNanos, nowNanos, value);
        }
    }
}
