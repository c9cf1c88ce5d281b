package io.ringtrace.metrics;

/** What an instrument measures, which decides its OTLP data type and its temporality. */
enum InstrumentKind {
    LONG_COUNTER(0x3A, true, true),
    DOUBLE_COUNTER(0x3A, true, true),
    LONG_UP_DOWN_COUNTER(0x3A, false, false),
    LONG_GAUGE(0x2A, false, false),
    DOUBLE_GAUGE(0x2A, false, false),
    HISTOGRAM(0x4A, false, true);

    /** The {@code Metric} field of its data: gauge (5), sum (7), histogram (9), as a LEN tag. */
    final int dataTag;
    /** {@code Sum.is_monotonic}. */
    final boolean monotonic;
    /**
     * Whether a delta temporality preference makes it delta: counters and histograms do (for
     * {@code delta} and {@code lowmemory} alike, among synchronous instruments); up-down counters stay
     * cumulative under both, as the specification's preference table says; gauges have none.
     */
    final boolean deltaCapable;

    InstrumentKind(int dataTag, boolean monotonic, boolean deltaCapable) {
        this.dataTag = dataTag;
        this.monotonic = monotonic;
        this.deltaCapable = deltaCapable;
    }

    boolean isGauge() {
        return dataTag == 0x2A;
    }
}
