package io.ringtrace.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * An instrument's series by attribute set: a fixed open-addressing table (linear probing) of
 * entries [recorded attribute set, series], sized at twice the most entries it takes, so it never
 * resizes and a lookup never allocates. Lookups are lock-free: an entry is published with a release
 * store of its series after its key is written, and read with an acquire load. Inserts take the
 * table's lock (they happen once per attribute set).
 *
 * <p>With a view's attribute filter, a recorded set's series is the one of the set reduced to the
 * kept keys; the table maps each recorded set to it, so the filter is computed once per recorded set.
 * A dropping table (a view's drop aggregation) has one series that takes everything and is never
 * collected.
 *
 * <p>Bound: at most {@code limit - 1} series of distinct sets plus the overflow series
 * ({@code otel.metric.overflow=true}), which takes every set seen after the limit was reached (and,
 * with a filter, every recorded set past {@code 2 x limit} distinct ones); each lookup sent there is
 * counted. Series are never removed: the memory an instrument holds is its state per series times
 * at most {@code limit}, plus the table.
 */
final class SeriesTable {

    private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(Series[].class);

    /** The attribute set of the overflow series, as the specification names it. */
    static final Attributes OVERFLOW = Attributes.builder().put(io.ringtrace.codec.Utf8Constant.of("otel.metric.overflow"), true).build();

    private final Series[] slots;
    /** Each slot's recorded attribute set, written before its series is published. */
    private final Attributes[] keys;
    private final int mask;
    /** Series in creation order (collection walks them); entries below {@link #count} are complete. */
    private final Series[] ordered;
    private final int limit;
    private final int maxEntries;
    /** A view's kept keys, sorted; null: every key. */
    private final String[] keptKeys;
    private final Function<Attributes, Series> factory;
    /** A dropping table (a view's drop aggregation): one series, created at the first lookup, never collected. */
    private final boolean drop;
    private volatile Series dropped;
    private volatile int count;
    private int entries;
    private volatile Series overflow;
    private final LongAdder overflowed = new LongAdder();

    /**
     * @param limit the cardinality limit, at least 2: {@code limit - 1} sets plus the overflow series
     * @param keptKeys a view's attribute filter, sorted (null: none)
     * @param drop whether the instrument's measurements are dropped (a view's drop aggregation)
     * @param factory creates a series' state (setup path only)
     */
    SeriesTable(int limit, String[] keptKeys, boolean drop, Function<Attributes, Series> factory) {
        this.limit = limit;
        this.keptKeys = keptKeys;
        this.factory = factory;
        this.maxEntries = keptKeys == null ? limit : 2 * limit;
        int capacity = Integer.highestOneBit(Math.max(4, maxEntries * 2 - 1)) << 1;
        this.slots = new Series[drop ? 0 : capacity];
        this.keys = new Attributes[slots.length];
        this.mask = capacity - 1;
        this.ordered = new Series[drop ? 0 : limit];
        this.drop = drop;
    }

    /** @return the series of {@code attributes}, created on first sight (or the overflow series) */
    Series get(Attributes attributes) {
        if (drop) {
            Series d = dropped;
            return d != null ? d : createDropped();
        }
        Series s = find(attributes);
        if (s != null) {
            return s;
        }
        Series o = overflow; // without a filter, once it exists the table is full: no insert can follow, no lock needed
        if (o != null && keptKeys == null) {
            overflowed.increment();
            return o;
        }
        return create(attributes);
    }

    private Series find(Attributes attributes) {
        int i = spread(attributes.hashCode()) & mask;
        while (true) {
            Series s = (Series) SLOTS.getAcquire(slots, i); // pairs with the release store in insert()
            if (s == null) {
                return null;
            }
            Attributes key = keys[i]; // written before the series was published
            if (key == attributes || key.equals(attributes)) {
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
        if (entries >= maxEntries) {
            return toOverflow();
        }
        Attributes kept = keptKeys == null ? attributes : attributes.retain(keptKeys);
        s = keptKeys == null ? null : seriesOf(kept);
        if (s == null) {
            int n = count;
            if (n >= limit - 1) {
                return toOverflow();
            }
            s = factory.apply(kept);
            ordered[n] = s;
            count = n + 1; // volatile: collection sees the complete series
        }
        int i = spread(attributes.hashCode()) & mask;
        while (slots[i] != null) {
            i = (i + 1) & mask;
        }
        keys[i] = attributes;
        SLOTS.setRelease(slots, i, s); // the key and the series are complete before a lock-free reader can see them
        entries++;
        return s;
    }

    private synchronized Series createDropped() {
        Series d = dropped;
        if (d == null) {
            d = factory.apply(Attributes.empty()); // not in the constructor: the instrument is not complete there
            dropped = d;
        }
        return d;
    }

    /** @return the existing series of a filtered set (create path: a scan of at most {@code limit} series) */
    private Series seriesOf(Attributes kept) {
        for (int i = 0, n = count; i < n; i++) {
            Series s = ordered[i];
            if (s.attributes.equals(kept) && s != overflow) {
                return s;
            }
        }
        return null;
    }

    private Series toOverflow() {
        overflowed.increment();
        Series o = overflow;
        if (o == null) {
            int n = count;
            o = factory.apply(OVERFLOW);
            ordered[n] = o;
            overflow = o;
            count = n + 1; // volatile: collection sees the complete series
        }
        return o;
    }

    /** @return how many series exist, the overflow series included (0 for a dropping table: nothing to collect) */
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
