package io.ringtrace.metrics;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import java.util.concurrent.atomic.LongAdder;
import net.openhft.chronicle.bytes.Bytes;

/**
 * Counts how the exporter completes the provider's requests: each request handle is given to the
 * exporter behind a small tracking handle that counts {@code succeeded} and {@code failed}, then
 * passes the call on. Request handles are reused by their pool, so each gets one tracking handle,
 * made the first time it is seen (at most {@value #MAX_TRACKED}; past that, handles go out
 * untracked and their outcomes are not counted). Tracking handles are made and looked up on the
 * collecting thread only; completions come from any thread.
 */
final class RequestOutcomes {

    static final int MAX_TRACKED = 256;

    private final ExportRequest[] handles = new ExportRequest[MAX_TRACKED];
    private final Tracked[] tracked = new Tracked[MAX_TRACKED];
    private int size;
    final LongAdder succeeded = new LongAdder();
    final LongAdder failed = new LongAdder();

    /** @return the handle to give the exporter for {@code request} (collecting thread only) */
    ExportRequest track(ExportRequest request) {
        for (int i = 0; i < size; i++) {
            if (handles[i] == request) {
                return tracked[i];
            }
        }
        if (size == MAX_TRACKED) {
            return request;
        }
        Tracked t = new Tracked(request); // once per pooled handle
        handles[size] = request;
        tracked[size++] = t;
        return t;
    }

    /** The exporter's {@code export} threw: the request was not taken and is counted failed. */
    void threw() {
        failed.increment();
    }

    private final class Tracked implements ExportRequest {
        private final ExportRequest inner;

        Tracked(ExportRequest inner) {
            this.inner = inner;
        }

        @Override
        public Bytes<?> payload() {
            return inner.payload();
        }

        @Override
        public io.ringtrace.engine.export.Signal signal() {
            return inner.signal();
        }

        @Override
        public int spanCount() {
            return inner.spanCount();
        }

        @Override
        public void retrying() {
            inner.retrying();
        }

        @Override
        public void succeeded(long rejectedSpans) {
            inner.succeeded(rejectedSpans); // throws for a stale or second completion: then not counted
            succeeded.increment();
        }

        @Override
        public void failed(DropReason reason) {
            inner.failed(reason);
            failed.increment();
        }
    }
}
