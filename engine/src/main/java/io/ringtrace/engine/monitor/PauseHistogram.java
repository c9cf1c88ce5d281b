package io.ringtrace.engine.monitor;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A histogram of GC pause durations in milliseconds with fixed power-of-two buckets.
 *
 * <p>Bucket 0 holds pauses of 0 ms (the JDK reports GC durations in whole milliseconds); bucket
 * {@code i >= 1} holds pauses in {@code [2^(i-1), 2^i)} ms; the last bucket also holds everything
 * longer. Bound: {@value #BUCKETS} counters, allocated once; nothing grows.
 *
 * <p>Writes come from the JDK's GC notification thread; reads may come from any thread and
 * allocate nothing (every read is a plain volatile load of a counter). A read racing a write may see
 * the bucket count before the total or max: readings are monitoring values, not a transaction.
 */
public final class PauseHistogram {

    /** Number of buckets: 0 ms, then [1,2), [2,4) ... up to [2^(BUCKETS-2), infinity) ms. */
    public static final int BUCKETS = 20;

    private final AtomicLongArray counts = new AtomicLongArray(BUCKETS);
    // Single writer (the notification thread), many readers: volatile fields are enough for the
    // readers to see recent values; the writer updates them with plain read-modify-write.
    private volatile long totalCount;
    private volatile long totalMillis;
    private volatile long maxMillis;

    /** Creates an empty histogram. */
    public PauseHistogram() {}

    /**
     * Records one pause. Called only from the single GC notification thread.
     *
     * @param pauseMillis the pause in milliseconds; negative values are recorded as 0
     */
    public void record(long pauseMillis) {
        long millis = Math.max(0, pauseMillis);
        counts.incrementAndGet(bucketOf(millis));
        totalMillis = totalMillis + millis; // single writer: no lost update
        if (millis > maxMillis) {
            maxMillis = millis;
        }
        // Written last so a reader that sees the new total also sees the bucket and the sums.
        totalCount = totalCount + 1;
    }

    /**
     * @param millis a pause in milliseconds, {@code >= 0}
     * @return the bucket index that holds it
     */
    static int bucketOf(long millis) {
        if (millis == 0) {
            return 0;
        }
        int bucket = 64 - Long.numberOfLeadingZeros(millis); // 1 -> 1, 2..3 -> 2, 4..7 -> 3
        return Math.min(bucket, BUCKETS - 1);
    }

    /** @return the number of buckets, {@value #BUCKETS} */
    public int bucketCount() {
        return BUCKETS;
    }

    /**
     * @param bucket a bucket index in {@code [0, BUCKETS)}
     * @return the exclusive upper bound of the bucket in milliseconds ({@link Long#MAX_VALUE} for
     *     the last bucket)
     */
    public long bucketUpperBoundMillis(int bucket) {
        checkBucket(bucket);
        return bucket == BUCKETS - 1 ? Long.MAX_VALUE : 1L << bucket;
    }

    /**
     * @param bucket a bucket index in {@code [0, BUCKETS)}
     * @return how many pauses fell into the bucket
     */
    public long count(int bucket) {
        checkBucket(bucket);
        return counts.get(bucket);
    }

    /** @return how many pauses were recorded */
    public long totalCount() {
        return totalCount;
    }

    /** @return the sum of all recorded pauses in milliseconds */
    public long totalMillis() {
        return totalMillis;
    }

    /** @return the longest recorded pause in milliseconds, 0 if none */
    public long maxMillis() {
        return maxMillis;
    }

    /**
     * The pause length below which at least {@code percentile} percent of the recorded pauses fall,
     * resolved to bucket bounds (so an upper estimate), capped at the observed maximum.
     *
     * @param percentile in {@code [0, 100]}
     * @return the upper bound in milliseconds, 0 if nothing was recorded
     */
    public long percentileUpperBoundMillis(double percentile) {
        if (!(percentile >= 0 && percentile <= 100)) {
            throw new IllegalArgumentException("percentile must be in [0, 100]: " + percentile);
        }
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += counts.get(i);
        }
        if (total == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(total * percentile / 100.0));
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                // Bucket i holds values below its upper bound; the max is exact and may be lower.
                if (i == BUCKETS - 1) {
                    return maxMillis; // the open-ended last bucket: the max is the only bound
                }
                long bound = i == 0 ? 0 : (1L << i) - 1;
                return Math.min(bound, maxMillis);
            }
        }
        return maxMillis;
    }

    private static void checkBucket(int bucket) {
        if (bucket < 0 || bucket >= BUCKETS) {
            throw new IndexOutOfBoundsException("bucket " + bucket + " not in [0, " + BUCKETS + ")");
        }
    }
}
