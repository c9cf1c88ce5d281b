package io.ringtrace.bench;

import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A ringtrace {@link SpanExporter} that completes every sealed request at once and discards it, so
 * a benchmark measures the producers and the serializer stage (which has encoded every span into
 * the request) without I/O. The SDK side of the same benchmarks uses its own discarding exporter.
 */
public final class DiscardingSpanExporter implements SpanExporter {

    private final AtomicLong exportedSpans = new AtomicLong();

    /** @return spans in requests completed so far */
    public long exportedSpans() {
        return exportedSpans.get();
    }

    @Override
    public void export(ExportRequest request) {
        exportedSpans.addAndGet(request.spanCount());
        request.succeeded(0);
    }

    @Override
    public void shutdown(long deadlineNanoTime) {
        // nothing in flight: every request completed inside export()
    }
}
