package io.ringtrace.metrics;

import java.util.Arrays;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Changes what an instrument exports, without touching the code that created it: a view selects
 * instruments by name (and optionally by meter name) and, for the instruments it selects, renames
 * them, replaces their description, keeps only some attribute keys, replaces a histogram's
 * aggregation (explicit boundaries or exponential buckets), changes the cardinality limit, or drops
 * them. Views are given to {@link MeterProvider.Builder#view(View)} and applied when an instrument
 * is created; the first view that selects an instrument applies, the others are ignored for it.
 *
 * <pre>{@code
 * MeterProvider.builder()
 *     .view(View.builder("http.server.duration").exponential().attributeKeys("http.route").build())
 *     .view(View.builder("*").meterName("io.noisy.library").drop().build())
 * }</pre>
 * Immutable and thread-safe.
 */
public final class View {

    /** The instrument name that selects every instrument. */
    public static final String ANY_INSTRUMENT = "*";
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_./-]{0,254}");

    enum Aggregation { DEFAULT, EXPLICIT, EXPONENTIAL, DROP }

    private final String instrumentName;
    private final String meterName;
    private final String name;
    private final String description;
    private final String[] attributeKeys;
    private final Aggregation aggregation;
    private final double[] boundaries;
    private final int maxBuckets;
    private final int maxScale;
    private final int cardinalityLimit;

    private View(Builder b) {
        this.instrumentName = b.instrumentName;
        this.meterName = b.meterName;
        this.name = b.name;
        this.description = b.description;
        this.attributeKeys = b.attributeKeys;
        this.aggregation = b.aggregation;
        this.boundaries = b.boundaries;
        this.maxBuckets = b.maxBuckets;
        this.maxScale = b.maxScale;
        this.cardinalityLimit = b.cardinalityLimit;
    }

    /**
     * @param instrumentName the name of the instruments it selects (any case), or {@value #ANY_INSTRUMENT} for every instrument
     * @return a builder of a view selecting them
     */
    public static Builder builder(String instrumentName) {
        return new Builder(instrumentName);
    }

    /** @return whether this view selects the instrument {@code instrument} of the meter {@code meter} */
    boolean selects(String meter, String instrument) {
        return (instrumentName.equals(ANY_INSTRUMENT) || instrumentName.equalsIgnoreCase(instrument))
                && (meterName == null || meterName.equals(meter));
    }

    /**
     * Applies this view to a copy of an instrument's settings.
     *
     * @param b the settings the instrument was created with
     * @param kind its kind
     * @return the settings to create it with
     */
    InstrumentBuilder<?> applyTo(InstrumentBuilder<?> b, InstrumentKind kind) {
        InstrumentBuilder<?> e = b.copy();
        if (name != null) {
            e.exportedName = name;
        }
        if (description != null) {
            e.description = description;
        }
        if (attributeKeys != null) {
            e.attributeKeys = attributeKeys;
        }
        if (cardinalityLimit != 0) {
            e.cardinalityLimit = cardinalityLimit;
        }
        switch (aggregation) {
            case DROP:
                e.drop = true;
                break;
            case EXPLICIT:
            case EXPONENTIAL:
                if (kind != InstrumentKind.HISTOGRAM) {
                    PeriodicMetricReader.LOG.log(System.Logger.Level.WARNING, "ringtrace metrics: " + this
                            + " sets a histogram aggregation; " + b.name + " is a " + kind + " and keeps its own");
                    break;
                }
                e.boundaries = aggregation == Aggregation.EXPLICIT ? boundaries : null;
                e.maxBuckets = aggregation == Aggregation.EXPONENTIAL ? maxBuckets : 0;
                e.maxScale = aggregation == Aggregation.EXPONENTIAL ? maxScale : 0;
                break;
            default:
        }
        return e;
    }

    @Override
    public String toString() {
        return "View{" + instrumentName + (meterName == null ? "" : " of meter " + meterName)
                + (name == null ? "" : ", name " + name) + (attributeKeys == null ? "" : ", keys " + Arrays.toString(attributeKeys))
                + ", " + aggregation.name().toLowerCase(Locale.ROOT) + "}";
    }

    /** Builds a {@link View}. Not thread-safe. */
    public static final class Builder {
        private final String instrumentName;
        private String meterName;
        private String name;
        private String description;
        private String[] attributeKeys;
        private Aggregation aggregation = Aggregation.DEFAULT;
        private double[] boundaries;
        private int maxBuckets;
        private int maxScale;
        private int cardinalityLimit;

        private Builder(String instrumentName) {
            if (instrumentName == null || !(instrumentName.equals(ANY_INSTRUMENT) || NAME.matcher(instrumentName).matches())) {
                throw new IllegalArgumentException("a view selects an instrument name or " + ANY_INSTRUMENT + ", was " + instrumentName);
            }
            this.instrumentName = instrumentName;
        }

        /** @param meterName select only the instruments of the meter (instrumentation scope) of this name @return this */
        public Builder meterName(String meterName) {
            if (meterName == null) {
                throw new IllegalArgumentException("meter name must not be null");
            }
            this.meterName = meterName;
            return this;
        }

        /**
         * @param name the name the instrument exports under; valid as an instrument name; only for a
         *     view that selects one instrument name (two instruments may not share a name)
         * @return this
         */
        public Builder name(String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("view name must match " + NAME.pattern() + ", was " + name);
            }
            this.name = name;
            return this;
        }

        /** @param description the description the instrument exports with; not null @return this */
        public Builder description(String description) {
            if (description == null) {
                throw new IllegalArgumentException("description must not be null");
            }
            this.description = description;
            return this;
        }

        /**
         * Keeps only these attribute keys: measurements whose sets differ only in other keys add up in
         * one series. The filter is computed once per recorded set (the instrument maps up to twice
         * its cardinality limit of recorded sets; more go to the overflow series).
         *
         * @param keys the keys to keep (none: every measurement in one series)
         * @return this
         */
        public Builder attributeKeys(String... keys) {
            if (keys == null) {
                throw new IllegalArgumentException("keys must not be null");
            }
            String[] sorted = keys.clone();
            for (String k : sorted) {
                if (k == null) {
                    throw new IllegalArgumentException("keys must not contain null");
                }
            }
            Arrays.sort(sorted);
            this.attributeKeys = sorted;
            return this;
        }

        /**
         * Histograms: explicit buckets with these boundaries (other instruments keep theirs, with a warning).
         *
         * @param boundaries finite, strictly increasing (may be empty: one bucket)
         * @return this
         */
        public Builder explicitBuckets(double... boundaries) {
            this.boundaries = Histogram.checkBoundaries(boundaries);
            this.aggregation = Aggregation.EXPLICIT;
            return this;
        }

        /** Histograms: base-2 exponential buckets with OpenTelemetry's defaults (160 buckets, scale 20). @return this */
        public Builder exponential() {
            return exponential(Histogram.DEFAULT_MAX_BUCKETS, Histogram.DEFAULT_MAX_SCALE);
        }

        /**
         * Histograms: base-2 exponential buckets.
         *
         * @param maxBuckets buckets per sign, in [2, 16384]
         * @param maxScale the starting scale, in [-10, 20]
         * @return this
         */
        public Builder exponential(int maxBuckets, int maxScale) {
            InstrumentBuilder.checkExponential(maxBuckets, maxScale);
            this.maxBuckets = maxBuckets;
            this.maxScale = maxScale;
            this.aggregation = Aggregation.EXPONENTIAL;
            return this;
        }

        /** Drops every measurement of the selected instruments: nothing is aggregated or exported. @return this */
        public Builder drop() {
            this.aggregation = Aggregation.DROP;
            return this;
        }

        /** @param limit the cardinality limit of the selected instruments, at least 2 @return this */
        public Builder cardinalityLimit(int limit) {
            if (limit < 2 || limit > MeterProvider.MAX_CARDINALITY_LIMIT) {
                throw new IllegalArgumentException("cardinality limit must be in [2, " + MeterProvider.MAX_CARDINALITY_LIMIT + "], was " + limit);
            }
            this.cardinalityLimit = limit;
            return this;
        }

        /**
         * @return the view
         * @throws IllegalArgumentException if it renames every instrument ({@value #ANY_INSTRUMENT} with a name)
         */
        public View build() {
            if (name != null && instrumentName.equals(ANY_INSTRUMENT)) {
                throw new IllegalArgumentException("a view that selects every instrument cannot rename them: they would share one name");
            }
            return new View(this);
        }
    }
}
