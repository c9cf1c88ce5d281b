package io.ringtrace.engine;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import net.openhft.chronicle.bytes.Bytes;

/**
 * The {@link ExportRequest} the exporter receives: one hand-out (one generation) of a
 * {@link PooledExportRequest}. Every call is checked against the generation the lease was lent
 * with, so a lease kept past its hand-out (by an exporter whose {@code export()} threw, or one that
 * completes twice) can neither read nor complete the later request the same buffer holds.
 *
 * <p>A buffer has a few leases it lends in turn (allocated at engine start; nothing is allocated per
 * request). A lease whose {@code export()} call threw is never lent again.
 */
final class ExportLease implements ExportRequest {

    private final PooledExportRequest request;
    // written by the serializer in lend(), before the request's IN_FLIGHT release store and before
    // the lease is passed to export(): the exporter reads them after receiving the lease
    private long generation;
    private int spanCount;

    ExportLease(PooledExportRequest request) {
        this.request = request;
    }

    /** Serializer thread: lends this lease for hand-out {@code generation} of its buffer. */
    void lend(long generation, int spanCount) {
        this.generation = generation;
        this.spanCount = spanCount;
    }

    long generation() {
        return generation;
    }

    @Override
    public Bytes<?> payload() {
        return request.payload(generation);
    }

    @Override
    public int spanCount() {
        return spanCount;
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
    public void spooled() {
        request.completeSpooled(generation);
    }

    @Override
    public String toString() {
        return "ExportLease{generation=" + generation + ", spans=" + spanCount + ", " + request + "}";
    }
}
