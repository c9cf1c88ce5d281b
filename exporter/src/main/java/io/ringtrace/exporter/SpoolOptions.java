package io.ringtrace.exporter;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * The on-disk spool of an OTLP exporter: where sealed requests go when the receiver is away, to be
 * replayed when it is back or by the next process on the same directory. Off unless set with
 * {@code spool(SpoolOptions)} on {@link OtlpGrpcSpanExporterBuilder} or
 * {@link OtlpHttpSpanExporterBuilder}, or with the variable {@value #DIR_VARIABLE} and
 * {@code fromEnvironment()}. Immutable.
 *
 * <p>Defaults: {@value #DEFAULT_MAX_BYTES_MIB} MiB at most on disk, records dropped after
 * {@value #DEFAULT_MAX_AGE_HOURS} hours, segment files of 1/16 of the maximum (1 to 64 MiB),
 * {@link WhenFull#DROP_OLDEST}, {@link Fsync#NONE}, and a request that failed is spooled once it has
 * been in flight {@value #DEFAULT_SPOOL_AFTER_MILLIS} ms without being delivered, or at once if other
 * requests wait behind it.
 *
 * <p>Why {@link Fsync#NONE}: the spool exists for collector outages and process restarts, and a
 * killed process loses nothing under any policy (the page cache outlives it). Forcing the mapping
 * once a second ({@link Fsync#PERIODIC}) bounds what a machine crash loses to that second, at a cost
 * the producers see on a small host: 100k spans/s with the receiver down 20 s on 2 vCPUs, five
 * alternated runs each, the producers' p99.9 during the outage was 2.9-6.0 us (median 4.0) with
 * {@code NONE} against 5.1-7.2 us (median 5.6) with {@code PERIODIC} and 2.6-2.8 us with the
 * receiver up (bench/README.md). The OpenTelemetry Collector's file storage does not fsync by
 * default either.
 *
 * <p>Why {@value #DEFAULT_SPOOL_AFTER_MILLIS} ms: requests waiting behind stuck in-flight ones hold
 * the engine's request buffers, and once those are gone the ring fills; the default ring holds 164 ms
 * of traffic at 100k spans/s. An export round trip takes a few to a few tens of milliseconds here,
 * and spooling a waiting request early costs only a disk write and a later replay (it was never
 * sent, so it is never duplicated).
 */
public final class SpoolOptions {

    /** The variable that turns the spool on in {@code fromEnvironment()}: the spool directory. */
    public static final String DIR_VARIABLE = "RINGTRACE_SPOOL_DIR";
    /** The variable for {@link Builder#maxBytes(long)}, in bytes. */
    public static final String MAX_BYTES_VARIABLE = "RINGTRACE_SPOOL_MAX_BYTES";
    /** Default maximum size on disk, MiB. */
    public static final int DEFAULT_MAX_BYTES_MIB = 256;
    /** Default maximum age of a record, hours. */
    public static final int DEFAULT_MAX_AGE_HOURS = 24;
    /** Default time in flight after which an undelivered request is spooled, milliseconds. */
    public static final int DEFAULT_SPOOL_AFTER_MILLIS = 100;
    /** The smallest accepted maximum size: 2 MiB. */
    public static final long MIN_MAX_BYTES = 2L << 20;

    /** What the spool does with a new record when it has no room left. */
    public enum WhenFull {
        /**
         * Drops the oldest segment file (its pending records counted {@code SPOOL_FULL}): after a
         * long outage the spool holds its most recent part, which is what one looks at first.
         */
        DROP_OLDEST,
        /** Refuses the new record (counted {@code SPOOL_FULL}): the spool keeps the outage's start. */
        REFUSE_NEWEST
    }

    /** When the spool forces what it wrote to the storage device. */
    public enum Fsync {
        /**
         * Never explicitly: the OS writes back on its own schedule. A killed process loses nothing
         * (the page cache outlives it); a machine crash loses what was not written back.
         */
        NONE,
        /** Once a second, on the spool's thread: a machine crash loses at most the last second. */
        PERIODIC,
        /** After every record, on the spool's thread, before the request completes as spooled. */
        EVERY_REQUEST
    }

    private final Path directory;
    private final long maxBytes;
    private final Duration maxAge;
    private final long segmentBytes;
    private final WhenFull whenFull;
    private final Fsync fsync;
    private final Duration spoolAfter;

    private SpoolOptions(Builder b) {
        this.directory = b.directory;
        this.maxBytes = b.maxBytes;
        this.maxAge = b.maxAge;
        this.segmentBytes = b.segmentBytes > 0 ? b.segmentBytes
                : Math.max(1L << 20, Math.min(64L << 20, b.maxBytes / 16));
        this.whenFull = b.whenFull;
        this.fsync = b.fsync;
        this.spoolAfter = b.spoolAfter;
    }

    /**
     * @param directory the spool's directory, created if missing; one process at a time (a lock file)
     * @return a builder with the defaults
     */
    public static Builder builder(Path directory) {
        return new Builder(directory);
    }

    /**
     * Reads {@value #DIR_VARIABLE} (and {@value #MAX_BYTES_VARIABLE}) through {@code environment}.
     *
     * @param environment variable name to value (null when unset)
     * @return the options, or null when {@value #DIR_VARIABLE} is unset or blank (spool off)
     * @throws IllegalArgumentException naming the variable, for a value that is not valid
     */
    public static SpoolOptions fromEnvironment(Function<String, String> environment) {
        String dir = environment.apply(DIR_VARIABLE);
        if (dir == null || dir.isBlank()) {
            return null;
        }
        Builder builder;
        try {
            builder = builder(Path.of(dir.trim()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(DIR_VARIABLE + " '" + dir + "' is not a valid path: " + e.getMessage(), e);
        }
        String max = environment.apply(MAX_BYTES_VARIABLE);
        if (max != null && !max.isBlank()) {
            try {
                builder.maxBytes(Long.parseLong(max.trim()));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(MAX_BYTES_VARIABLE + " '" + max + "' must be a number of bytes >= "
                        + MIN_MAX_BYTES, e);
            }
        }
        return builder.build();
    }

    /** @return the spool's directory */
    public Path directory() {
        return directory;
    }

    /** @return the most bytes the segment files take on disk together */
    public long maxBytes() {
        return maxBytes;
    }

    /** @return how long a record may stay: a segment whose newest record is older is dropped */
    public Duration maxAge() {
        return maxAge;
    }

    /** @return the size of one segment file (a record larger than that gets a file of its own size) */
    public long segmentBytes() {
        return segmentBytes;
    }

    /** @return the policy when full */
    public WhenFull whenFull() {
        return whenFull;
    }

    /** @return the fsync policy */
    public Fsync fsync() {
        return fsync;
    }

    /** @return how long a request may be in flight undelivered before it is spooled */
    public Duration spoolAfter() {
        return spoolAfter;
    }

    @Override
    public String toString() {
        return "SpoolOptions[directory=" + directory + ", maxBytes=" + maxBytes + ", maxAge=" + maxAge
                + ", segmentBytes=" + segmentBytes + ", whenFull=" + whenFull + ", fsync=" + fsync
                + ", spoolAfter=" + spoolAfter + "]";
    }

    /** Builds {@link SpoolOptions}; starts from the defaults. */
    public static final class Builder {
        private final Path directory;
        private long maxBytes = (long) DEFAULT_MAX_BYTES_MIB << 20;
        private Duration maxAge = Duration.ofHours(DEFAULT_MAX_AGE_HOURS);
        private long segmentBytes;
        private WhenFull whenFull = WhenFull.DROP_OLDEST;
        private Fsync fsync = Fsync.NONE;
        private Duration spoolAfter = Duration.ofMillis(DEFAULT_SPOOL_AFTER_MILLIS);

        private Builder(Path directory) {
            this.directory = Objects.requireNonNull(directory, "directory");
        }

        /**
         * @param maxBytes the most bytes on disk, at least {@link #MIN_MAX_BYTES}
         * @return this builder
         */
        public Builder maxBytes(long maxBytes) {
            if (maxBytes < MIN_MAX_BYTES) {
                throw new IllegalArgumentException("maxBytes must be >= " + MIN_MAX_BYTES + ", got " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /**
         * @param maxAge how long a record may stay, &gt; 0
         * @return this builder
         */
        public Builder maxAge(Duration maxAge) {
            if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
                throw new IllegalArgumentException("maxAge must be > 0, got " + maxAge);
            }
            this.maxAge = maxAge;
            return this;
        }

        /**
         * @param segmentBytes the size of one segment file, 64 KiB to 1 GiB and at most half of
         *     {@link #maxBytes(long)} (checked at build); default 1/16 of the maximum, 1 to 64 MiB
         * @return this builder
         */
        public Builder segmentBytes(long segmentBytes) {
            if (segmentBytes < (64 << 10) || segmentBytes > (1L << 30)) {
                throw new IllegalArgumentException("segmentBytes must be in [64 KiB, 1 GiB], got " + segmentBytes);
            }
            this.segmentBytes = segmentBytes;
            return this;
        }

        /**
         * @param whenFull the policy when full
         * @return this builder
         */
        public Builder whenFull(WhenFull whenFull) {
            this.whenFull = Objects.requireNonNull(whenFull, "whenFull");
            return this;
        }

        /**
         * @param fsync the fsync policy
         * @return this builder
         */
        public Builder fsync(Fsync fsync) {
            this.fsync = Objects.requireNonNull(fsync, "fsync");
            return this;
        }

        /**
         * @param spoolAfter how long a request may be in flight undelivered (the receiver unavailable,
         *     or every request buffer busy that long) before it is spooled, &gt; 0; a failed request
         *     with others waiting behind it is spooled at once, whatever this says
         * @return this builder
         */
        public Builder spoolAfter(Duration spoolAfter) {
            if (spoolAfter == null || spoolAfter.isNegative() || spoolAfter.isZero()) {
                throw new IllegalArgumentException("spoolAfter must be > 0, got " + spoolAfter);
            }
            this.spoolAfter = spoolAfter;
            return this;
        }

        /**
         * @return the options
         * @throws IllegalArgumentException if the segment size is more than half the maximum size
         */
        public SpoolOptions build() {
            if (segmentBytes > maxBytes / 2) {
                throw new IllegalArgumentException("segmentBytes " + segmentBytes + " is more than half of maxBytes "
                        + maxBytes);
            }
            return new SpoolOptions(this);
        }
    }
}
