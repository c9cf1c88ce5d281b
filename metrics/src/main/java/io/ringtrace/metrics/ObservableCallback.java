package io.ringtrace.metrics;

/**
 * Reports the current values of an observable instrument, called once per collection on the
 * collecting thread. Report each series' value with {@link ObservableMeasurement#record(long,
 * Attributes)} (or the double form): a counter's running total, a gauge's current value. A series
 * not reported in a collection sends no point. Keep it quick and allocation-free for a 0 B
 * collection; an exception is logged and counted, and the other instruments are still collected.
 */
@FunctionalInterface
public interface ObservableCallback {

    /**
     * @param measurement where to report; valid only during this call
     */
    void observe(ObservableMeasurement measurement);
}
