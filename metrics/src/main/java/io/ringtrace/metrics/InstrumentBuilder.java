package io.ringtrace.metrics;

/**
 * Describes one instrument of a {@link Meter}: name, description, unit, cardinality limit and,
 * for histograms, the bucket boundaries. Setup time only. Not thread-safe.
 *
 * @param <T> the instrument type it builds
 */
public final class InstrumentBuilder<T> {

    private final Meter meter;
    private final InstrumentKind kind;
    final String name;
    String description = "";
    String unit = "";
    int cardinalityLimit;
    double[] boundaries;
    /** Exponential aggregation: buckets per sign and the starting scale; 0 buckets for explicit buckets. */
    int maxBuckets;
    int maxScale;
    ObservableCallback callback;
    /** Set by a view: the exported name (null: {@link #name}), the kept attribute keys (null: all), drop. */
    String exportedName;
    String[] attributeKeys;
    boolean drop;

    InstrumentBuilder(Meter meter, InstrumentKind kind, String name, int cardinalityLimit) {
        this.meter = meter;
        this.kind = kind;
        this.name = name;
        this.cardinalityLimit = cardinalityLimit;
    }

    /** @return a copy, for a view to change */
    InstrumentBuilder<T> copy() {
        InstrumentBuilder<T> c = new InstrumentBuilder<>(meter, kind, name, cardinalityLimit);
        c.description = description;
        c.unit = unit;
        c.boundaries = boundaries;
        c.maxBuckets = maxBuckets;
        c.maxScale = maxScale;
        c.callback = callback;
        c.exportedName = exportedName;
        c.attributeKeys = attributeKeys;
        c.drop = drop;
        return c;
    }

    /** @param description what the instrument measures; not null @return this */
    public InstrumentBuilder<T> description(String description) {
        if (description == null) {
            throw new IllegalArgumentException("description must not be null");
        }
        this.description = description;
        return this;
    }

    /** @param unit the UCUM unit, e.g. {@code ms}, {@code By}, {@code {request}}; ASCII, at most 63 chars @return this */
    public InstrumentBuilder<T> unit(String unit) {
        if (unit == null) {
            throw new IllegalArgumentException("unit must not be null");
        }
        this.unit = unit;
        return this;
    }

    /**
     * @param limit the most series this instrument keeps, the overflow series
     *     ({@code otel.metric.overflow=true}) included; at least 2 (default: the provider's)
     * @return this
     */
    public InstrumentBuilder<T> cardinalityLimit(int limit) {
        if (limit < 2 || limit > MeterProvider.MAX_CARDINALITY_LIMIT) {
            throw new IllegalArgumentException("cardinality limit must be in [2, " + MeterProvider.MAX_CARDINALITY_LIMIT + "], was " + limit);
        }
        this.cardinalityLimit = limit;
        return this;
    }

    /**
     * Histograms only: the explicit bucket boundaries, replacing OpenTelemetry's default {@code [0,
     * 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000]}.
     *
     * @param boundaries finite, strictly increasing (may be empty: one bucket)
     * @return this
     * @throws IllegalStateException if this builder is not a histogram's
     */
    public InstrumentBuilder<T> boundaries(double... boundaries) {
        if (kind != InstrumentKind.HISTOGRAM) {
            throw new IllegalStateException("boundaries apply to histograms only, not " + kind);
        }
        this.boundaries = Histogram.checkBoundaries(boundaries);
        this.maxBuckets = 0;
        this.maxScale = 0;
        return this;
    }

    /**
     * Histograms only: aggregate into base-2 exponential buckets ({@code ExponentialHistogram} on the
     * wire) with OpenTelemetry's defaults, {@value Histogram#DEFAULT_MAX_BUCKETS} buckets per sign
     * and starting scale {@value Histogram#DEFAULT_MAX_SCALE}, instead of explicit boundaries.
     *
     * @return this
     * @throws IllegalStateException if this builder is not a histogram's
     */
    public InstrumentBuilder<T> exponential() {
        return exponential(Histogram.DEFAULT_MAX_BUCKETS, Histogram.DEFAULT_MAX_SCALE);
    }

    /**
     * Histograms only: aggregate into base-2 exponential buckets.
     *
     * @param maxBuckets buckets per sign (positive and negative values each), in [2, 16384]
     * @param maxScale the starting, finest scale, in [-10, 20]; lowered as the range of values grows
     * @return this
     * @throws IllegalStateException if this builder is not a histogram's
     */
    public InstrumentBuilder<T> exponential(int maxBuckets, int maxScale) {
        if (kind != InstrumentKind.HISTOGRAM) {
            throw new IllegalStateException("exponential buckets apply to histograms only, not " + kind);
        }
        checkExponential(maxBuckets, maxScale);
        this.maxBuckets = maxBuckets;
        this.maxScale = maxScale;
        this.boundaries = null;
        return this;
    }

    static void checkExponential(int maxBuckets, int maxScale) {
        if (maxBuckets < 2 || maxBuckets > 16384) {
            throw new IllegalArgumentException("maxBuckets must be in [2, 16384], was " + maxBuckets);
        }
        if (maxScale < Base2Indexer.MIN_SCALE || maxScale > Base2Indexer.MAX_SCALE) {
            throw new IllegalArgumentException("maxScale must be in [" + Base2Indexer.MIN_SCALE + ", " + Base2Indexer.MAX_SCALE
                    + "], was " + maxScale);
        }
    }

    /**
     * Observable instruments only: the callback that reports the current values at each collection,
     * on the collecting thread.
     *
     * @param callback not null
     * @return this
     * @throws IllegalStateException if this builder is not an observable instrument's
     */
    public InstrumentBuilder<T> callback(ObservableCallback callback) {
        if (!kind.observable()) {
            throw new IllegalStateException("a callback applies to observable instruments only, not " + kind);
        }
        if (callback == null) {
            throw new IllegalArgumentException("callback must not be null");
        }
        this.callback = callback;
        return this;
    }

    /**
     * Registers the instrument, or returns the one registered before under the same name (case
     * insensitive) if it has the same kind, unit, description and aggregation. The provider's first
     * {@link View} that selects it applies.
     *
     * @return the instrument
     * @throws IllegalArgumentException if the name is invalid, or taken by a different instrument (or,
     *     renamed by a view, the name it exports under is)
     * @throws IllegalStateException if an observable instrument has no callback
     */
    @SuppressWarnings("unchecked")
    public T build() {
        if (kind.observable() && callback == null) {
            throw new IllegalStateException("an observable instrument needs a callback(...)");
        }
        return (T) meter.register(kind, this);
    }
}
