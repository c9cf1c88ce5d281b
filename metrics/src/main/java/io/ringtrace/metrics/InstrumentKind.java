package io.ringtrace.metrics;

/** What an instrument measures, which decides its OTLP data type and its temporality. */
enum InstrumentKind {
    LONG_COUNTER(0x3A, true, true),
    DOUBLE_COUNTER(0x3A, true, true),
    LONG_UP_DOWN_COUNTER(0x3A, false, false),
    LONG_GAUGE(0x2A, false, false),
    DOUBLE_GAUGE(0x2A, false, false),
    HISTOGRAM(0x4A, false, true),
    EXPONENTIAL_HISTOGRAM(0x52, false, true),
    OBSERVABLE_LONG_COUNTER(0x3A, true, true),
    OBSERVABLE_DOUBLE_COUNTER(0x3A, true, true),
    OBSERVABLE_LONG_UP_DOWN_COUNTER(0x3A, false, false),
    OBSERVABLE_LONG_GAUGE(0x2A, false, false),
    OBSERVABLE_DOUBLE_GAUGE(0x2A, false, false);

    /** The {@code Metric} field of its data: gauge (5), sum (7), histogram (9), exponential_histogram (10), as a LEN tag. */
    final int dataTag;
    /** {@code Sum.is_monotonic}. */
    final boolean monotonic;
    /**
     * Whether a delta temporality preference can make it delta: counters and histograms; up-down
     * counters stay cumulative, as the specification's preference table says; gauges have none.
     */
    final boolean deltaCapable;

    InstrumentKind(int dataTag, boolean monotonic, boolean deltaCapable) {
        this.dataTag = dataTag;
        this.monotonic = monotonic;
        this.deltaCapable = deltaCapable;
    }

    /** @return whether its values come from a callback at collection */
    boolean observable() {
        return ordinal() >= OBSERVABLE_LONG_COUNTER.ordinal();
    }

    /** @return whether its points are doubles */
    boolean doublePoints() {
        return this == DOUBLE_COUNTER || this == DOUBLE_GAUGE || this == OBSERVABLE_DOUBLE_COUNTER || this == OBSERVABLE_DOUBLE_GAUGE;
    }

    /**
     * @param preference the provider's preference
     * @return whether this kind reports delta under it: {@code delta} makes counters and histograms
     *     delta; {@code lowmemory} only the synchronous ones (the specification's table)
     */
    boolean delta(TemporalityPreference preference) {
        return deltaCapable && (preference == TemporalityPreference.DELTA
                || (preference == TemporalityPreference.LOW_MEMORY && !observable()));
    }

    boolean isGauge() {
        return dataTag == 0x2A;
    }
}
