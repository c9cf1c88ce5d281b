package io.ringtrace.metrics;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Resource;
import io.ringtrace.engine.config.OtelConfiguration;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.PooledExportRequest;
import io.ringtrace.engine.export.RequestPool;
import io.ringtrace.engine.export.Signal;
import io.ringtrace.engine.export.SpanExporter;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.LongSupplier;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The metrics pipeline of one resource: its {@link Meter}s (one per instrumentation scope), and a
 * periodic reader thread that every {@code exportInterval} collects every instrument, encodes the
 * points as OTLP {@code ExportMetricsServiceRequest}s straight into a fixed pool of off-heap buffers
 * and hands them to a {@link SpanExporter} (the exporter module's gRPC or HTTP transport, which
 * sends {@code Signal.METRICS} requests to {@code MetricsService/Export} or {@code /v1/metrics}).
 * {@link #flush(Duration)} and {@link #close()} collect once more.
 *
 * <p>Memory: {@code requestBuffers x maxRequestBytes} off-heap, plus per instrument at most {@code
 * cardinalityLimit} series of a few dozen bytes (counters, gauges) or {@code 8 x (16 + stripes x
 * roundUp(buckets + 3, 16))} bytes (histograms); nothing grows after a series exists.
 */
public final class MeterProvider implements AutoCloseable {

    /** {@code OTEL_METRIC_EXPORT_INTERVAL}, milliseconds. */
    public static final String EXPORT_INTERVAL_VARIABLE = "OTEL_METRIC_EXPORT_INTERVAL";
    /** {@code OTEL_METRIC_EXPORT_TIMEOUT}, milliseconds. */
    public static final String EXPORT_TIMEOUT_VARIABLE = "OTEL_METRIC_EXPORT_TIMEOUT";
    /** {@code OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE}: cumulative, delta or lowmemory. */
    public static final String TEMPORALITY_VARIABLE = "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE";
    /** The specification's default export interval. */
    public static final Duration DEFAULT_EXPORT_INTERVAL = Duration.ofSeconds(60);
    /** The specification's default export timeout. */
    public static final Duration DEFAULT_EXPORT_TIMEOUT = Duration.ofSeconds(30);
    /** OpenTelemetry's default cardinality limit per instrument. */
    public static final int DEFAULT_CARDINALITY_LIMIT = 2000;
    /** The largest cardinality limit accepted. */
    public static final int MAX_CARDINALITY_LIMIT = 1 << 20;
    /** Default size of one request (1 MiB, as the engine's; a receiver's gRPC default limit is 4 MiB). */
    public static final int DEFAULT_MAX_REQUEST_BYTES = 1 << 20;
    /** Default number of off-heap request buffers: one in flight while the next collection fills the other. */
    public static final int DEFAULT_REQUEST_BUFFERS = 2;
    /** Smallest accepted request size. */
    public static final int MIN_REQUEST_BYTES = 4096;

    /** {@code values()} clones its array at every call. */
    private static final DropReason[] DROP_REASONS = DropReason.values();

    final int cardinalityLimit;
    final TemporalityPreference temporality;
    final int stripes;
    final LongSupplier clock;
    private final Duration exportInterval;
    private final Duration exportTimeout;
    private final SpanExporter exporter;
    private final boolean exporterOwned;
    /** The engine's request pool: buffers, the request contract, and the accounting after the hand-off. */
    private final RequestPool pool;
    private final MetricsEncoder encoder;
    private final PeriodicMetricReader reader;
    /** Copy-on-write: the collector reads the array it finds. */
    private volatile Meter[] meters = new Meter[0];
    private final View[] views;
    private final long startEpochNanos;
    /** Collecting thread only (collections are serialized on {@code this}). */
    private long lastCollectEpochNanos;
    private long droppedBeforeExport;
    private long collections;
    private long collectionNanosTotal;
    private long collectionNanosLast;
    private long collectionNanosMax;
    /** How the exporter completed the requests. */
    private final RequestOutcomes outcomes = new RequestOutcomes();
    /** The provider's own instruments; null unless {@link Builder#selfMetrics(boolean)}. */
    private final SelfMetrics selfMetrics;
    private final Object collectLock = new Object();

    private MeterProvider(Builder b) {
        this.cardinalityLimit = b.cardinalityLimit;
        this.views = b.views.toArray(new View[0]);
        this.temporality = b.temporality;
        this.stripes = b.stripes;
        this.clock = b.clock != null ? b.clock : wallClock();
        this.exportInterval = b.exportInterval;
        this.exportTimeout = b.exportTimeout;
        this.exporter = b.exporter;
        this.exporterOwned = b.exporterOwned;
        this.startEpochNanos = clock.getAsLong();
        this.lastCollectEpochNanos = startEpochNanos;
        this.encoder = new MetricsEncoder(b.resource.toProtobuf(), b.resource.schemaUrl(), b.maxRequestBytes);
        this.pool = new RequestPool("metrics", Signal.METRICS, b.requestBuffers, b.maxRequestBytes);
        this.reader = new PeriodicMetricReader(this, exportInterval);
        this.selfMetrics = b.selfMetrics ? new SelfMetrics(this) : null;
    }

    /** @return a new builder */
    public static Builder builder() {
        return new Builder();
    }

    /** Epoch nanoseconds from one wall-clock read at start plus the monotonic clock: allocation-free. */
    private static LongSupplier wallClock() {
        long baseMillis = System.currentTimeMillis();
        long baseNanos = System.nanoTime();
        return () -> baseMillis * 1_000_000L + (System.nanoTime() - baseNanos);
    }

    /**
     * @param name the instrumentation scope's name (a library or component)
     * @return the meter of that scope, created on first use
     */
    public Meter meter(String name) {
        return meter(InstrumentationScope.of(name));
    }

    /**
     * @param scope the instrumentation scope; meters are kept per scope name, version and schema URL
     * @return the meter of that scope, created on first use
     */
    public synchronized Meter meter(InstrumentationScope scope) {
        if (scope == null) {
            throw new IllegalArgumentException("scope must not be null");
        }
        Meter[] current = meters;
        for (Meter m : current) {
            if (m.scope == scope || (m.scope.name().equals(scope.name()) && m.scope.version().equals(scope.version())
                    && m.scope.schemaUrl().equals(scope.schemaUrl()))) {
                return m;
            }
        }
        Meter created = new Meter(this, scope);
        Meter[] next = Arrays.copyOf(current, current.length + 1);
        next[current.length] = created;
        meters = next;
        return created;
    }

    /** @return the first view that selects this instrument, or null */
    View viewFor(String meterName, String instrumentName) {
        for (View v : views) {
            if (v.selects(meterName, instrumentName)) {
                return v;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------------ collection

    /**
     * One collection: every meter's points encoded into requests handed to {@code sink}. Serialized;
     * allocation-free in steady state.
     */
    void collect(MetricsEncoder.Sink sink) {
        synchronized (collectLock) {
            long started = System.nanoTime();
            long now = clock.getAsLong();
            Meter[] all = meters;
            encoder.beginCollection(sink);
            for (int i = all.length - 1; i >= 0; i--) {
                all[i].collect(encoder, startEpochNanos, lastCollectEpochNanos, now);
            }
            encoder.endCollection();
            lastCollectEpochNanos = now;
            droppedBeforeExport += encoder.droppedPoints();
            collections++;
            long took = System.nanoTime() - started;
            collectionNanosTotal += took;
            collectionNanosLast = took;
            collectionNanosMax = Math.max(collectionNanosMax, took);
            if (selfMetrics != null) {
                selfMetrics.collected(took);
            }
        }
    }

    /** The reader's sink: buffers from the pool, sealed requests to the exporter. */
    final MetricsEncoder.Sink exportSink = new MetricsEncoder.Sink() {
        /** The request whose buffer the encoder fills (it fills one at a time); collecting thread only. */
        private PooledExportRequest taken;

        @Override
        public Bytes<?> take() {
            taken = pool.take(System.nanoTime() + exportTimeout.toNanos());
            return taken == null ? null : taken.buffer();
        }

        private PooledExportRequest taken(Bytes<?> buffer) {
            PooledExportRequest request = taken;
            if (request == null || request.buffer() != buffer) {
                throw new IllegalStateException("not the buffer taken last");
            }
            taken = null;
            return request;
        }

        @Override
        public void sealed(Bytes<?> buffer, int points) {
            PooledExportRequest pooled = taken(buffer);
            ExportRequest request = pooled.lend(points, buffer.readRemaining());
            try {
                exporter.export(outcomes.track(request));
            } catch (RuntimeException e) {
                pooled.takeBack(request); // per the SPI a throw means "not taken": counted EXPORT_FAILED
                outcomes.threw();
                PeriodicMetricReader.LOG.log(System.Logger.Level.WARNING, "ringtrace metrics: export threw; "
                        + points + " points dropped: " + e);
            }
        }

        @Override
        public void unused(Bytes<?> buffer) {
            taken(buffer).untake();
        }
    };

    /** Collects and exports now (the reader thread, or the closing thread after it stopped). */
    void collectAndExport() {
        collect(exportSink);
    }

    /**
     * Collects once more now and waits until the requests it produced were completed by the exporter.
     *
     * @param timeout how long to wait at most
     * @return whether everything was collected and completed in time
     */
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!reader.collectNow(deadline)) {
            return false;
        }
        return awaitIdle(deadline);
    }

    private boolean awaitIdle(long deadline) {
        while (!pool.idle()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L); // completions come from exporter threads
        }
        return true;
    }

    /**
     * Stops the reader, collects and exports once more, waits up to the export timeout for the
     * exporter to complete every request, then shuts the exporter down (unless it is shared) and frees the buffers.
     * Points still in flight at the deadline are counted as dropped ({@code SHUTDOWN}).
     */
    @Override
    public void close() {
        if (!reader.stop()) {
            return; // closed before
        }
        long deadline = System.nanoTime() + exportTimeout.toNanos();
        collectAndExport();
        awaitIdle(deadline);
        if (exporterOwned) {
            exporter.shutdown(deadline);
        }
        pool.abandonAndRelease(true); // the reader has stopped: nothing fills a buffer any more
    }

    // ------------------------------------------------------------------------ statistics

    /**
     * Fills {@code into} with a snapshot of the provider's own counters. Allocation-free.
     *
     * @param into the snapshot to fill
     * @return {@code into}
     */
    public MetricsStats stats(MetricsStats into) {
        // downstream first: a point that completes while this runs is seen exported, or not yet sent
        into.pointsExported = pool.exported();
        for (DropReason reason : DROP_REASONS) {
            into.pointsDropped[reason.ordinal()] = pool.dropped(reason);
        }
        into.requestsSucceeded = outcomes.succeeded.sum();
        into.requestsFailed = outcomes.failed.sum();
        into.retries = pool.retries();
        into.requestsSent = pool.lentCount();
        into.seriesOverflowed = overflowedLookups();
        into.measurementsRefused = refusedMeasurements();
        synchronized (collectLock) {
            into.collections = collections;
            into.collectionNanosTotal = collectionNanosTotal;
            into.collectionNanosLast = collectionNanosLast;
            into.collectionNanosMax = collectionNanosMax;
            into.pointsDroppedBeforeExport = droppedBeforeExport;
            long failed = 0;
            for (Meter m : meters) {
                failed += m.callbackFailures();
            }
            into.callbacksFailed = failed;
        }
        return into;
    }

    /** @return data points the receiver accepted */
    public long exportedPoints() {
        return pool.exported();
    }

    /**
     * @param reason why
     * @return data points lost after they were handed to the exporter, for that reason ({@code
     *     REJECTED} by a partial success, {@code EXPORT_FAILED}, {@code SHUTDOWN})
     */
    public long droppedPoints(DropReason reason) {
        return pool.dropped(reason);
    }

    /** @return data points a collection could not hand to the exporter: no free buffer within the export timeout, or larger than a request */
    public long droppedBeforeExport() {
        synchronized (collectLock) {
            return droppedBeforeExport;
        }
    }

    /** @return collections run */
    public long collections() {
        synchronized (collectLock) {
            return collections;
        }
    }

    /** @return export requests handed to the exporter */
    public long requestsSent() {
        return pool.lentCount();
    }

    /** @return measurements refused by the instruments (negative counter increments, NaN or infinite values) */
    public long refusedMeasurements() {
        long sum = 0;
        for (Meter m : meters) {
            sum += m.refused();
        }
        return sum;
    }

    /** @return lookups of new attribute sets that went to an instrument's overflow series ({@code otel.metric.overflow=true}) */
    public long overflowedLookups() {
        long sum = 0;
        for (Meter m : meters) {
            sum += m.overflowed();
        }
        return sum;
    }

    /** Builds a {@link MeterProvider}. Not thread-safe. */
    public static final class Builder {
        private Resource resource = Resource.empty();
        private SpanExporter exporter;
        private boolean exporterOwned;
        private Duration exportInterval = DEFAULT_EXPORT_INTERVAL;
        private Duration exportTimeout = DEFAULT_EXPORT_TIMEOUT;
        private TemporalityPreference temporality = TemporalityPreference.CUMULATIVE;
        private int cardinalityLimit = DEFAULT_CARDINALITY_LIMIT;
        private int maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private int requestBuffers = DEFAULT_REQUEST_BUFFERS;
        private int stripes = Math.min(8, Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors() * 2 - 1)));
        private LongSupplier clock;
        private final java.util.List<View> views = new java.util.ArrayList<>();
        private boolean selfMetrics;

        private Builder() {}

        /**
         * Adds a view, applied to the instruments created from now on that it selects; of several
         * views that select an instrument, the first one added applies.
         *
         * @param view the view; not null
         * @return this
         */
        public Builder view(View view) {
            views.add(require(view, "view"));
            return this;
        }

        /** @param resource the resource of every point; not null @return this */
        public Builder resource(Resource resource) {
            this.resource = require(resource, "resource");
            return this;
        }

        /**
         * @param exporter the transport (owned by the provider from now on: {@link #close()} shuts it
         *     down, so give the provider an exporter of its own); required
         * @return this
         */
        public Builder exporter(SpanExporter exporter) {
            this.exporter = require(exporter, "exporter");
            this.exporterOwned = true;
            return this;
        }

        /**
         * Uses an exporter that something else owns and shuts down (for example the one a {@code
         * TraceEngine} ships spans with: the exporter module's transports accept requests of every
         * signal from several threads). {@link #close()} does not shut it down: close the provider
         * before the exporter's owner.
         *
         * @param exporter the transport; required unless {@link #exporter(SpanExporter)} is given
         * @return this
         */
        public Builder sharedExporter(SpanExporter exporter) {
            this.exporter = require(exporter, "exporter");
            this.exporterOwned = false;
            return this;
        }

        /**
         * @param enabled whether to publish the provider's own health ({@link MetricsStats}) as
         *     instruments of the {@code io.ringtrace.metrics} meter (default false)
         * @return this
         */
        public Builder selfMetrics(boolean enabled) {
            this.selfMetrics = enabled;
            return this;
        }

        /** @param interval time between collections, positive (default 60 s) @return this */
        public Builder exportInterval(Duration interval) {
            this.exportInterval = positive(interval, "export interval");
            return this;
        }

        /**
         * @param timeout how long a collection waits for a free request buffer, and {@link #close()}
         *     for the exporter, positive (default 30 s)
         * @return this
         */
        public Builder exportTimeout(Duration timeout) {
            this.exportTimeout = positive(timeout, "export timeout");
            return this;
        }

        /** @param preference the temporality preference (default cumulative) @return this */
        public Builder temporality(TemporalityPreference preference) {
            this.temporality = require(preference, "temporality preference");
            return this;
        }

        /** @param limit the default cardinality limit per instrument, overflow series included (default 2000) @return this */
        public Builder cardinalityLimit(int limit) {
            if (limit < 2 || limit > MAX_CARDINALITY_LIMIT) {
                throw new IllegalArgumentException("cardinality limit must be in [2, " + MAX_CARDINALITY_LIMIT + "], was " + limit);
            }
            this.cardinalityLimit = limit;
            return this;
        }

        /** @param bytes the largest request (default 1 MiB); a collection that needs more sends several @return this */
        public Builder maxRequestBytes(int bytes) {
            if (bytes < MIN_REQUEST_BYTES || bytes > (1 << 29)) {
                throw new IllegalArgumentException("maxRequestBytes must be in [" + MIN_REQUEST_BYTES + ", 2^29], was " + bytes);
            }
            this.maxRequestBytes = bytes;
            return this;
        }

        /**
         * @param buffers off-heap request buffers (default 2); when all are in flight a collection
         *     waits for one up to the export timeout, then counts the rest of its points as dropped
         * @return this
         */
        public Builder requestBuffers(int buffers) {
            if (buffers < 1 || buffers > 64) {
                throw new IllegalArgumentException("request buffers must be in [1, 64], was " + buffers);
            }
            this.requestBuffers = buffers;
            return this;
        }

        /** @param stripes histogram stripes per series, a power of two in [1, 64] (default: CPUs rounded up, at most 8) @return this */
        public Builder histogramStripes(int stripes) {
            if (stripes < 1 || stripes > 64 || Integer.bitCount(stripes) != 1) {
                throw new IllegalArgumentException("stripes must be a power of two in [1, 64], was " + stripes);
            }
            this.stripes = stripes;
            return this;
        }

        /** @param epochNanos the clock of point timestamps, epoch nanoseconds (default: the wall clock) @return this */
        public Builder clock(LongSupplier epochNanos) {
            this.clock = require(epochNanos, "clock");
            return this;
        }

        /**
         * Applies {@value #EXPORT_INTERVAL_VARIABLE}, {@value #EXPORT_TIMEOUT_VARIABLE} and {@value
         * #TEMPORALITY_VARIABLE} (system property with the OpenTelemetry name first, then the
         * environment), where set.
         *
         * @return this
         */
        public Builder fromEnvironment() {
            return fromEnvironment(OtelConfiguration.system());
        }

        /**
         * @param environment variable names to values
         * @return this, with the variables that are set applied
         * @throws IllegalArgumentException naming the variable whose value is invalid
         */
        public Builder fromEnvironment(Function<String, String> environment) {
            MetricsEnvironment.apply(this, environment);
            return this;
        }

        /**
         * @return the provider, its reader thread started
         * @throws IllegalStateException if no exporter was given
         */
        public MeterProvider build() {
            if (exporter == null) {
                throw new IllegalStateException("an exporter is required: MeterProvider.builder().exporter(...)");
            }
            MeterProvider provider = new MeterProvider(this);
            provider.reader.start();
            return provider;
        }

        private static <T> T require(T value, String what) {
            if (value == null) {
                throw new IllegalArgumentException(what + " must not be null");
            }
            return value;
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, was " + d);
            }
            return d;
        }
    }
}
