package io.ringtrace.metrics;

/**
 * An asynchronous instrument: counters (monotonic sums), up-down counters and gauges whose values a
 * {@link ObservableCallback} reports at each collection. Cumulative counters send the reported
 * totals; delta counters send the change since the previous collection (the first report: the
 * total). A series not reported in a collection sends no point. Long instruments take a double
 * report truncated, double instruments a long report widened.
 */
public final class ObservableInstrument extends Instrument {

    private final ObservableCallback callback;
    private final ObservableMeasurement measurement = new ObservableMeasurement(this);
    /** Callbacks that threw: the collection goes on without their values. */
    private long callbackFailures;

    ObservableInstrument(InstrumentBuilder<?> builder, InstrumentKind kind, boolean delta) {
        super(builder, kind, delta);
        this.callback = builder.callback;
    }

    /** One observed series: the value reported this collection and the one reported before. */
    static final class ObservedSeries extends Series {
        long value;
        double doubleValue;
        boolean reported;
        long previous;
        double previousDouble;

        ObservedSeries(Attributes attributes) {
            super(attributes);
        }
    }

    @Override
    Series newSeries(Attributes attributes) {
        return new ObservedSeries(attributes);
    }

    void observe(long value, double doubleValue, Attributes attributes) {
        if (kind.doublePoints() ? !Double.isFinite(doubleValue) : false) {
            refused.increment();
            return;
        }
        ObservedSeries s = (ObservedSeries) table.get(orEmpty(attributes));
        // a series reported more than once in a collection (the overflow series, or one set that a view's
        // attribute filter made of several): a counter's takes the sum, a gauge's the last value
        boolean add = s.reported && !kind.isGauge();
        s.value = add ? s.value + value : value;
        s.doubleValue = kind.doublePoints() ? (add ? s.doubleValue + doubleValue : doubleValue) : s.value;
        s.reported = true;
    }

    /** @return callbacks that threw */
    long callbackFailures() {
        return callbackFailures;
    }

    @Override
    void collect(MetricsEncoder out, long startNanos, long nowNanos) {
        SeriesTable t = table;
        for (int i = t.count() - 1; i >= 0; i--) {
            ((ObservedSeries) t.at(i)).reported = false;
        }
        try {
            callback.observe(measurement);
        } catch (RuntimeException e) {
            callbackFailures++;
            PeriodicMetricReader.LOG.log(System.Logger.Level.WARNING, "ringtrace metrics: the callback of " + name + " threw", e);
        }
        boolean isDouble = kind.doublePoints();
        boolean gauge = kind.isGauge();
        for (int i = t.count() - 1; i >= 0; i--) {
            ObservedSeries s = (ObservedSeries) t.at(i);
            if (!s.reported) {
                continue;
            }
            long value = s.value;
            double doubleValue = s.doubleValue;
            if (delta) {
                value -= s.previous;
                doubleValue -= s.previousDouble;
                s.previous = s.value;
                s.previousDouble = s.doubleValue;
            }
            long start = gauge ? 0 : startNanos;
            if (isDouble) {
                out.doublePoint(s.attributes, start, nowNanos, doubleValue);
            } else {
                out.longPoint(s.attributes, start, nowNanos, value);
            }
        }
    }
}
