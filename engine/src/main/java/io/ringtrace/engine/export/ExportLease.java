package io.ringtrace.engine.export;

import net.openhft.chronicle.bytes.Bytes;

/**
 * The {@link ExportRequest} the exporter receives: one hand-out (one generation) of a
 * {@link PooledExportRequest}. Every call is checked against the generation the lease was lent
 * with, so a lease kept past its hand-out (by an exporter whose {@code export()} threw, or one that
 * completes twice) can neither read nor complete the later request the same buffer holds.
 *
 * <p>A buffer has a few leases it lends in turn (allocated with the pool; nothing is allocated per
 * request). A lease whose {@code export()} call threw is never lent again.
 */
final class ExportLease implements ExportRequest {

    private final PooledExportRequest request;
    // written by the filling thread in lend(), before the request's IN_FLIGHT release store and
    // before the lease is passed to export(): the exporter reads them after receiving the lease
    private long generation;
    private int itemCount;

    ExportLease(PooledExportRequest request) {
        this.request = request;
    }

    /** Filling thread: lends this lease for hand-out {@code generation} of its buffer. */
    void lend(long generation, int itemCount) {
        this.generation = generation;
        this.itemCount = itemCount;
    }

    PooledExportRequest request() {
        return request;
    }

    long generation() {
        return generation;
    }

    @Override
    public Bytes<?> payload() {
        return request.payload(generation);
    }

    @Override
    public Signal signal() {
        return request.signal();
    }

    @Override
    public int spanCount() {
        return itemCount;
    }

    @Override
    public void retrying() {
        request.retrying(generation);
    }

    @Override
    public void succeeded(long rejectedSpans) {
        request.complete(generation, true, rejectedSpans, null, true);
    }

    @Override
    public void failed(DropReason reason) {
        if (reason == null) {
            throw new IllegalArgumentException("reason must not be null");
        }
        request.complete(generation, false, 0, reason, true);
    }

    @Override
    public String toString() {
        return "ExportLease{generation=" + generation + ", items=" + itemCount + ", " + request + "}";
    }
}
