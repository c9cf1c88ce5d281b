package io.ringtrace.metrics;

/**
 * Where an {@link ObservableCallback} reports values; one per instrument, reused at every collection.
 * Valid only during the callback, on the collecting thread.
 */
public final class ObservableMeasurement {

    private final ObservableInstrument instrument;

    ObservableMeasurement(ObservableInstrument instrument) {
        this.instrument = instrument;
    }

    /**
     * @param value the series' current value (a counter's total since it started)
     * @param attributes the series' attributes (null: none)
     */
    public void record(long value, Attributes attributes) {
        instrument.observe(value, value, attributes);
    }

    /**
     * @param value the series' current value
     * @param attributes the series' attributes (null: none)
     */
    public void record(double value, Attributes attributes) {
        instrument.observe((long) value, value, attributes);
    }
}
