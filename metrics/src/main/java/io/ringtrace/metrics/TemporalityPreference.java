package io.ringtrace.metrics;

import java.util.Locale;

/**
 * Which aggregation temporality instruments report, as {@code
 * OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE} names it. Gauges have none.
 */
public enum TemporalityPreference {
    /** Every instrument cumulative: each point covers the time since the provider started. The default. */
    CUMULATIVE,
    /** Counters and histograms delta (each point covers one collection interval); up-down counters cumulative. */
    DELTA,
    /**
     * Synchronous counters and histograms delta, up-down counters cumulative (asynchronous counters,
     * not built yet, would stay cumulative): for the synchronous instruments here the same as {@link #DELTA}.
     */
    LOW_MEMORY;

    /**
     * @param value {@code cumulative}, {@code delta} or {@code lowmemory}, any case
     * @return the preference
     * @throws IllegalArgumentException for anything else
     */
    public static TemporalityPreference parse(String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "cumulative":
                return CUMULATIVE;
            case "delta":
                return DELTA;
            case "lowmemory":
                return LOW_MEMORY;
            default:
                throw new IllegalArgumentException("temporality preference must be cumulative, delta or lowmemory, was " + value);
        }
    }
}
