package io.ringtrace.exporter;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import net.openhft.chronicle.bytes.Bytes;

/** A request object reused for every export, so the test's own bookkeeping allocates nothing. */
final class ReusableExportRequest implements ExportRequest {
    private final Bytes<?> payload;
    private final int spans;
    volatile boolean done;
    volatile DropReason failure;
    volatile boolean spooled;

    ReusableExportRequest(Bytes<?> payload, int spans) {
        this.payload = payload;
        this.spans = spans;
    }

    void reset() {
        done = false;
        spooled = false;
        failure = null;
    }

    @Override
    public Bytes<?> payload() {
        return payload;
    }

    @Override
    public int spanCount() {
        return spans;
    }

    @Override
    public void retrying() {}

    @Override
    public void succeeded(long rejectedSpans) {
        done = true;
    }

    /** Spooled counts as done, without a failure: the spool took it. */
    @Override
    public void spooled() {
        spooled = true;
        done = true;
    }

    @Override
    public void failed(DropReason reason) {
        failure = reason;
        done = true;
    }
}
