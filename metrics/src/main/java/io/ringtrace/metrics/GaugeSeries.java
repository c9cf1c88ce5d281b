package io.ringtrace.metrics;

/**
 * A synchronous gauge's state: the last value recorded (a long, or a double's raw bits), a plain
 * volatile store per record (last writer wins, so contention needs no striping), and whether a
 * value was ever recorded. Reported at every collection once set, without a start time.
 */
final class GaugeSeries extends Series {

    volatile long value;
    volatile boolean recorded;

    GaugeSeries(Attributes attributes) {
        super(attributes);
    }

    void set(long newValue) {
        value = newValue;
        if (!recorded) {
            recorded = true; // after the value: a collection that sees it set sees a value
        }
    }

    static void collect(Instrument instrument, MetricsEncoder out, long nowNanos, boolean isDouble) {
        SeriesTable table = instrument.table;
        for (int i = table.count() - 1; i >= 0; i--) {
            GaugeSeries s = (GaugeSeries) table.at(i);
            if (!s.recorded) {
                continue;
            }
            if (isDouble) {
                out.doublePoint(s.attributes, 0, nowNanos, Double.longBitsToDouble(s.value));
            } else {
                out.longPoint(s.attributes, 0, nowNanos, s.value);
            }
        }
    }
}
