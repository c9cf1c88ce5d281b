package io.ringtrace.bench.sdk;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An SDK {@link SpanExporter} that counts and discards, so a benchmark measures the SDK's publish
 * path (span objects, {@code BatchSpanProcessor} queue and worker) without any encoding or I/O.
 * The ringtrace side of the same benchmarks uses its own discarding exporter.
 */
public final class CountingDiscardExporter implements SpanExporter {

    private final AtomicLong exported = new AtomicLong();

    /** @return spans handed to this exporter so far */
    public long exported() {
        return exported.get();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        exported.addAndGet(spans.size());
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
