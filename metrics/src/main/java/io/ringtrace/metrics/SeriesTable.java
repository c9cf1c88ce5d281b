package io.ringtrace.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * An instrument's series by attribute set: a fixed open-addressing table (linear probing) sized at
 * twice the cardinality limit, so it never resizes and a lookup never allocates. Lookups are
 * lock-free: a slot is published with a release store after its series is complete, and read with
 * an acquire load. Inserts take the table's lock (they happen once per attribute set).
 *
 * <p>Bound: at most {@code limit - 1} series of distinct sets plus the overflow series
 * ({@code otel.metric.overflow=true}), which takes every set seen after the limit was reached;
 * each lookup sent there is counted. Series are never removed: the memory an instrument holds is
 * its state per series times at most {@code limit}.
 */
final class SeriesTable {

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Series[].class);

    /** The attribute set of the overflow series, as the specification names it. */
    static final Attributes OVERFLOW = Attributes.builder().put(io.ringtrace.codec.Utf8Constant.of("otel.metric.overflow"), true).build();

    private final Series[] slots;
    private final int mask;
    /** Series in creation order (collection walks them); entries below {@link #count} are complete. */
    private final Series[] ordered;
    private final int limit;
    private final Function<Attributes, Series> factory;
    private volatile int count;
    private volatile Series overflow;
    private final LongAdder overflowed = new LongAdder();

    /**
     * @param limit the cardinality limit, at least 2: {@code limit - 1} sets plus the overflow series
     * @param factory creates a series' state (setup path only)
     */
    SeriesTable(int limit, Function<Attributes, Series> factory) {
        this.limit = limit;
        this.factory = factory;
        int capacity = Integer.highestOneBit(Math.max(4, limit * 2 - 1)) << 1;
        this.slots = new Series[capacity];
        this.mask = capacity - 1;
        this.ordered = new Series[limit];
    }

    /** @return the series of {@code attributes}, created on first sight (or the overflow series) */
    Series get(Attributes attributes) {
        Series s = find(attributes);
        if (s != null) {
            return s;
        }
        Series o = overflow; // once it exists the table is full: no insert can follow, no lock needed
        if (o != null) {
            overflowed.increment();
            return o;
        }
        return create(attributes);
    }

    private Series find(Attributes attributes) {
        int i = spread(attributes.hashCode()) & mask;
        while (true) {
            Series s = (Series) SLOTS.getAcquire(slots, i); // pairs with the release store in create()
            if (s == null) {
                return null;
            }
            if (s.attributes == attributes || s.attributes.equals(attributes)) {
                return s;
            }
            i = (i + 1) & mask;
        }
    }

    private synchronized Series create(Attributes attributes) {
        Series s = find(attributes);
        if (s != null) {
            return s;
        }
        int n = count;
        if (n >= limit - 1) {
            overflowed.increment();
            Series o = overflow;
            if (o == null) {
                o = factory.apply(OVERFLOW);
                ordered[n] = o;
                overflow = o;
                count = n + 1; // volatile: collection sees the complete series
            }
            return o;
        }
        s = factory.apply(attributes);
        int i = spread(attributes.hashCode()) & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        SLOTS.setRelease(slots, i, s); // the series is complete before a lock-free reader can see it
        ordered[n] = s;
        count = n + 1;
        return s;
    }

    /** @return how many series exist, the overflow series included */
    int count() {
        return count;
    }

    /** @return the series created {@code index}-th; below {@link #count()} */
    Series at(int index) {
        return ordered[index];
    }

    /** @return lookups of new attribute sets sent to the overflow series */
    long overflowed() {
        return overflowed.sum();
    }

    private static int spread(int h) {
        return (h * 0x9E3779B9) ^ (h >>> 16);
    }
}
