package io.ringtrace.bench.load;

import io.ringtrace.engine.ops.LatencyHistogram;
import java.util.Arrays;
import java.util.Locale;

/**
 * Export latencies of one system: from the hand-off of a request (ringtrace) or batch (SDK) to its
 * exporter until the exporter completed it, retries included. Both systems record into the same
 * kind of histogram, the engine's {@link LatencyHistogram} (power-of-two microsecond buckets), so a
 * percentile is a bucket's upper bound, at most 2x the true value, for both alike; mean and max are
 * exact.
 */
public final class ExportLatency {

    private final long[] buckets = new long[LatencyHistogram.BUCKETS];
    private long count;
    private long totalNanos;
    private long maxNanos;

    private ExportLatency() {
    }

    /**
     * @param snapshot a copy of a system's histogram
     * @return its counts
     */
    static ExportLatency of(LatencyHistogram.Snapshot snapshot) {
        ExportLatency latency = new ExportLatency();
        for (int i = 0; i < latency.buckets.length; i++) {
            latency.buckets[i] = snapshot.bucketCount(i);
        }
        latency.count = snapshot.count();
        latency.totalNanos = snapshot.meanNanos() * snapshot.count(); // the mean is truncated: < 1 ns each
        latency.maxNanos = snapshot.maxNanos();
        return latency;
    }

    /**
     * @param earlier the same system's latencies at an earlier instant
     * @return what was recorded in between; the max stays this one's (a histogram cannot subtract it)
     */
    ExportLatency since(ExportLatency earlier) {
        ExportLatency window = new ExportLatency();
        for (int i = 0; i < buckets.length; i++) {
            window.buckets[i] = buckets[i] - earlier.buckets[i];
        }
        window.count = count - earlier.count;
        window.totalNanos = totalNanos - earlier.totalNanos;
        window.maxNanos = maxNanos;
        return window;
    }

    /** @return exports completed */
    public long count() {
        return count;
    }

    /** @return the mean latency in nanoseconds, NaN without exports */
    public double meanNanos() {
        return count == 0 ? Double.NaN : (double) totalNanos / count;
    }

    /** @return the largest latency of the whole run, in nanoseconds (NaN without exports) */
    public double maxNanos() {
        return count == 0 ? Double.NaN : maxNanos;
    }

    /**
     * The same rule as {@link LatencyHistogram.Snapshot#percentileNanos(double)}: the upper bound of
     * the bucket holding the rank, capped at the max.
     *
     * @param percentile in [0, 100]
     * @return the bound in nanoseconds, NaN without exports
     */
    public double percentileNanos(double percentile) {
        if (count == 0) {
            return Double.NaN;
        }
        long rank = Math.max(1, (long) Math.ceil(count * percentile / 100.0));
        long seen = 0;
        for (int i = 0; i < buckets.length - 1; i++) {
            seen += buckets[i];
            if (seen >= rank) {
                return Math.min(LatencyHistogram.Snapshot.bucketUpperBoundMicros(i) * 1_000, maxNanos);
            }
        }
        return maxNanos;
    }

    /** @return a one-line text form, read back by {@link #parse(String)} */
    String encode() {
        StringBuilder text = new StringBuilder().append(count).append(',').append(totalNanos).append(',').append(maxNanos);
        for (long bucket : buckets) {
            text.append(',').append(bucket);
        }
        return text.toString();
    }

    /**
     * @param text written by {@link #encode()}
     * @return the latencies
     */
    static ExportLatency parse(String text) {
        long[] values = Arrays.stream(text.split(",")).mapToLong(Long::parseLong).toArray();
        if (values.length != 3 + LatencyHistogram.BUCKETS) {
            throw new IllegalArgumentException("not an export latency record: " + text);
        }
        ExportLatency latency = new ExportLatency();
        latency.count = values[0];
        latency.totalNanos = values[1];
        latency.maxNanos = values[2];
        System.arraycopy(values, 3, latency.buckets, 0, LatencyHistogram.BUCKETS);
        return latency;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%,d exports, p50 <= %.2f ms, p99 <= %.2f ms, max %.2f ms", count,
                percentileNanos(50) / 1e6, percentileNanos(99) / 1e6, maxNanos() / 1e6);
    }
}
