package io.ringtrace.metrics;

import io.ringtrace.engine.export.DropReason;

/**
 * A snapshot of a {@link MeterProvider}'s own counters, filled by {@link
 * MeterProvider#stats(MetricsStats)} without allocation: keep one instance and refill it. The same
 * values are published as instruments of the {@code io.ringtrace.metrics} meter when the provider is
 * built with {@link MeterProvider.Builder#selfMetrics(boolean)}.
 *
 * <p>Accounting of data points: each point a collection writes is handed to the exporter in a
 * request, or counted in {@link #pointsDroppedBeforeExport()}; each point handed over ends {@link
 * #pointsExported() exported} or {@link #pointsDropped(DropReason) dropped} with a reason ({@code
 * REJECTED} by a receiver's partial success, {@code EXPORT_FAILED}, {@code SHUTDOWN}), or is still in
 * flight.
 */
public final class MetricsStats {

    private static final DropReason[] REASONS = DropReason.values();

    long collections;
    long collectionNanosTotal;
    long collectionNanosLast;
    long collectionNanosMax;
    long requestsSent;
    long requestsSucceeded;
    long requestsFailed;
    long retries;
    long pointsExported;
    final long[] pointsDropped = new long[REASONS.length];
    long pointsDroppedBeforeExport;
    long seriesOverflowed;
    long measurementsRefused;
    long callbacksFailed;

    /** Creates an all-zero snapshot. */
    public MetricsStats() {}

    /** @return collections run (periodic, {@code flush}, {@code close}) */
    public long collections() {
        return collections;
    }

    /** @return nanoseconds spent collecting and encoding, over all collections */
    public long collectionNanosTotal() {
        return collectionNanosTotal;
    }

    /** @return nanoseconds the last collection took (callbacks, aggregation, encoding, hand-off) */
    public long collectionNanosLast() {
        return collectionNanosLast;
    }

    /** @return nanoseconds the longest collection took */
    public long collectionNanosMax() {
        return collectionNanosMax;
    }

    /** @return export requests handed to the exporter */
    public long requestsSent() {
        return requestsSent;
    }

    /** @return requests the exporter completed as delivered (a partial success included) */
    public long requestsSucceeded() {
        return requestsSucceeded;
    }

    /** @return requests the exporter completed as failed, or that its {@code export} threw on */
    public long requestsFailed() {
        return requestsFailed;
    }

    /** @return retry attempts the exporter announced */
    public long retries() {
        return retries;
    }

    /** @return data points the receiver accepted */
    public long pointsExported() {
        return pointsExported;
    }

    /**
     * @param reason why
     * @return data points lost after the hand-off to the exporter, for that reason
     */
    public long pointsDropped(DropReason reason) {
        return pointsDropped[reason.ordinal()];
    }

    /** @return data points a collection could not hand over: no free request buffer in time, or larger than a request */
    public long pointsDroppedBeforeExport() {
        return pointsDroppedBeforeExport;
    }

    /** @return lookups of new attribute sets sent to an overflow series ({@code otel.metric.overflow=true}) */
    public long seriesOverflowed() {
        return seriesOverflowed;
    }

    /** @return measurements refused at the hot path: negative counter increments, NaN, infinities */
    public long measurementsRefused() {
        return measurementsRefused;
    }

    /** @return observable instruments' callbacks that threw */
    public long callbacksFailed() {
        return callbacksFailed;
    }

    @Override
    public String toString() {
        StringBuilder dropped = new StringBuilder();
        for (DropReason r : REASONS) {
            if (pointsDropped[r.ordinal()] != 0) {
                dropped.append(", dropped ").append(r).append(' ').append(pointsDropped[r.ordinal()]);
            }
        }
        return "MetricsStats{collections " + collections + " (last " + collectionNanosLast / 1000 + " us, max "
                + collectionNanosMax / 1000 + " us), requests " + requestsSent + " (succeeded " + requestsSucceeded + ", failed "
                + requestsFailed + ", retries " + retries + "), points exported " + pointsExported + dropped
                + ", dropped before export " + pointsDroppedBeforeExport + ", overflowed lookups " + seriesOverflowed
                + ", refused " + measurementsRefused + ", failed callbacks " + callbacksFailed + "}";
    }
}
