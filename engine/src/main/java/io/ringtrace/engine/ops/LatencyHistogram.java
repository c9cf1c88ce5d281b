package io.ringtrace.engine.ops;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A concurrent latency histogram with fixed power-of-two microsecond buckets, for the engine's
 * export latency (hand-off to the exporter until completion, read as
 * {@link io.ringtrace.engine.EngineStats#exportLatency()}) and the GC monitor's collection durations.
 *
 * <p>Bucket 0 holds latencies below 1 us; bucket {@code i >= 1} holds {@code [2^(i-1), 2^i)} us;
 * the last bucket ({@value #BUCKETS} - 1, from about 18 minutes) holds everything longer. So a
 * reported percentile is an upper bound at most 2x the true value. Bound: {@value #BUCKETS}
 * counters, allocated once.
 *
 * <p>Any thread may {@link #record(long)} (an atomic increment, no allocation); readers copy it into
 * a {@link Snapshot} they keep ({@link #copyInto(Snapshot)}, no allocation).
 */
public final class LatencyHistogram {

    /** Number of buckets. */
    public static final int BUCKETS = 32;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    private final AtomicLong maxNanos = new AtomicLong();
    private final AtomicLong totalNanos = new AtomicLong();

    /** Creates an empty histogram. */
    public LatencyHistogram() {}

    /**
     * Records one latency. Thread-safe, allocation-free.
     *
     * @param nanos the latency in nanoseconds; negative values are recorded as 0
     */
    public void record(long nanos) {
        long value = Math.max(0, nanos);
        counts.incrementAndGet(bucketOf(value / 1_000));
        totalNanos.addAndGet(value);
        long max = maxNanos.get();
        // Retry only while our value is still larger than the published max.
        while (value > max && !maxNanos.compareAndSet(max, value)) {
            max = maxNanos.get();
        }
    }

    static int bucketOf(long micros) {
        if (micros <= 0) {
            return 0;
        }
        return Math.min(64 - Long.numberOfLeadingZeros(micros), BUCKETS - 1);
    }

    /**
     * Copies the counters into {@code into}. The copy is not atomic across buckets while writers
     * run (each counter is read once), which is fine for monitoring.
     *
     * @param into the snapshot to fill
     * @return {@code into}
     */
    public Snapshot copyInto(Snapshot into) {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            long c = counts.get(i);
            into.counts[i] = c;
            total += c;
        }
        into.count = total;
        into.maxNanos = maxNanos.get();
        into.totalNanos = totalNanos.get();
        return into;
    }

    /** A copy of a {@link LatencyHistogram}'s counters; keep one and refill it. */
    public static final class Snapshot {
        final long[] counts = new long[BUCKETS];
        long count;
        long maxNanos;
        long totalNanos;

        /** Creates an empty snapshot. */
        public Snapshot() {}

        /** @return latencies recorded */
        public long count() {
            return count;
        }

        /** @return the largest latency recorded, in nanoseconds */
        public long maxNanos() {
            return maxNanos;
        }

        /** @return the mean latency in nanoseconds, 0 if none */
        public long meanNanos() {
            return count == 0 ? 0 : totalNanos / count;
        }

        /**
         * @param bucket a bucket index in {@code [0, BUCKETS)}
         * @return the count in that bucket
         */
        public long bucketCount(int bucket) {
            return counts[bucket];
        }

        /**
         * @param bucket a bucket index in {@code [0, BUCKETS)}
         * @return the bucket's exclusive upper bound in microseconds ({@link Long#MAX_VALUE} for the
         *     last)
         */
        public static long bucketUpperBoundMicros(int bucket) {
            if (bucket < 0 || bucket >= BUCKETS) {
                throw new IndexOutOfBoundsException("bucket " + bucket + " not in [0, " + BUCKETS + ")");
            }
            return bucket == BUCKETS - 1 ? Long.MAX_VALUE : 1L << bucket;
        }

        /**
         * An upper bound of the latency below which {@code percentile} percent of the recorded ones
         * fall: the upper bound of the bucket holding that rank, capped at the max. No allocation.
         *
         * @param percentile in {@code [0, 100]}
         * @return the bound in nanoseconds, 0 if nothing was recorded
         */
        public long percentileNanos(double percentile) {
            if (!(percentile >= 0 && percentile <= 100)) {
                throw new IllegalArgumentException("percentile must be in [0, 100]: " + percentile);
            }
            if (count == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(count * percentile / 100.0));
            long seen = 0;
            for (int i = 0; i < BUCKETS - 1; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return Math.min((1L << i) * 1_000, maxNanos);
                }
            }
            return maxNanos;
        }

        /**
         * Empties the snapshot (all counts 0).
         *
         * @return this
         */
        public Snapshot clear() {
            java.util.Arrays.fill(counts, 0);
            count = 0;
            maxNanos = 0;
            totalNanos = 0;
            return this;
        }

        /**
         * @param other a snapshot to copy
         * @return this
         */
        public Snapshot copyFrom(Snapshot other) {
            System.arraycopy(other.counts, 0, counts, 0, BUCKETS);
            count = other.count;
            maxNanos = other.maxNanos;
            totalNanos = other.totalNanos;
            return this;
        }
    }
}
