package io.ringtrace.examples;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import java.util.Arrays;
import net.openhft.chronicle.bytes.Bytes;

/**
 * A {@link SpanExporter} decorator that measures each request's export latency: from the moment the
 * serializer hands the sealed request over until the exporter completes it (the receiver's answer,
 * retries included). The demo prints percentiles of each interval.
 *
 * <p>Costs one small wrapper object per request (never per span). Bound: at most
 * {@value #MAX_SAMPLES} latencies are kept per interval; beyond that only the count and the maximum
 * are updated.
 */
final class TimedSpanExporter implements SpanExporter {

    static final int MAX_SAMPLES = 1 << 16;

    private final SpanExporter delegate;
    private final long[] samples = new long[MAX_SAMPLES]; // guarded by this
    private int sampleCount; // guarded by this
    private long count; // guarded by this
    private long maxNanos; // guarded by this

    TimedSpanExporter(SpanExporter delegate) {
        this.delegate = delegate;
    }

    @Override
    public void export(ExportRequest request) {
        delegate.export(new TimedRequest(request, System.nanoTime()));
    }

    @Override
    public void shutdown(long deadlineNanoTime) {
        delegate.shutdown(deadlineNanoTime);
    }

    @Override
    public void bindSpool(io.ringtrace.engine.export.Signal signal, io.ringtrace.engine.export.SpoolLedger ledger) {
        delegate.bindSpool(signal, ledger); // the transport's spool counts into the engine
    }

    private synchronized void record(long nanos) {
        if (sampleCount < MAX_SAMPLES) {
            samples[sampleCount++] = nanos;
        }
        count++;
        maxNanos = Math.max(maxNanos, nanos);
    }

    /**
     * Takes the latencies recorded since the last call.
     *
     * @param into where to put them
     * @return {@code into}
     */
    synchronized Interval drain(Interval into) {
        into.count = count;
        into.sorted = Arrays.copyOf(samples, sampleCount);
        Arrays.sort(into.sorted);
        into.maxNanos = maxNanos;
        sampleCount = 0;
        count = 0;
        maxNanos = 0;
        return into;
    }

    /** The export latencies of one interval. */
    static final class Interval {
        long count;
        long maxNanos;
        long[] sorted = new long[0];

        /** @return the percentile's latency in nanoseconds (0 without samples) */
        long percentileNanos(double percentile) {
            if (sorted.length == 0) {
                return 0;
            }
            int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }

        /** Adds another interval's samples into this one (for the run's summary). */
        void add(Interval other) {
            long[] merged = Arrays.copyOf(sorted, sorted.length + other.sorted.length);
            System.arraycopy(other.sorted, 0, merged, sorted.length, other.sorted.length);
            Arrays.sort(merged);
            sorted = merged;
            count += other.count;
            maxNanos = Math.max(maxNanos, other.maxNanos);
        }
    }

    /** The request as the delegate sees it: completes the original and records the latency first. */
    private final class TimedRequest implements ExportRequest {
        private final ExportRequest request;
        private final long handedOverNanos;

        TimedRequest(ExportRequest request, long handedOverNanos) {
            this.request = request;
            this.handedOverNanos = handedOverNanos;
        }

        @Override
        public Bytes<?> payload() {
            return request.payload();
        }

        @Override
        public io.ringtrace.engine.export.Signal signal() {
            return request.signal();
        }

        @Override
        public int spanCount() {
            return request.spanCount();
        }

        @Override
        public void retrying() {
            request.retrying();
        }

        @Override
        public void succeeded(long rejectedSpans) {
            record(System.nanoTime() - handedOverNanos);
            request.succeeded(rejectedSpans);
        }

        @Override
        public void failed(DropReason reason) {
            record(System.nanoTime() - handedOverNanos);
            request.failed(reason);
        }

        @Override
        public void spooled() {
            record(System.nanoTime() - handedOverNanos);
            request.spooled();
        }
    }
}
