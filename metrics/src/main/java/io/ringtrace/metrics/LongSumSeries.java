package io.ringtrace.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * A long sum's state: a {@link LongAdder}, the JDK's striped counter. An uncontended add is one CAS
 * on its base field; on contention each thread moves to one of up to (number of CPUs rounded up to
 * a power of two) cells, each on its own cache line ({@code @Contended} inside the JDK), grown once
 * and then reused, so adds from several threads do not bounce one line between cores. {@code
 * sumThenReset()} swaps every cell to 0 atomically ({@code getAndSet}), so a delta collection
 * counts each add in exactly one interval.
 */
final class LongSumSeries extends Series {

    final LongAdder sum = new LongAdder();

    LongSumSeries(Attributes attributes) {
        super(attributes);
    }

    /** Writes the points of a long sum instrument; a delta series without change since the last collection is skipped. */
    static void collect(Instrument instrument, MetricsEncoder out, long startNanos, long nowNanos) {
        SeriesTable table = instrument.table;
        boolean delta = instrument.delta;
        for (int i = table.count() - 1; i >= 0; i--) {
            LongSumSeries s = (LongSumSeries) table.at(i);
            long value = delta ? s.sum.sumThenReset() : s.sum.sum();
            if (delta && value == 0) {
                continue;
            }
            out.longPoint(s.attributes, startNanos, nowNanos, value);
        }
    }
}
