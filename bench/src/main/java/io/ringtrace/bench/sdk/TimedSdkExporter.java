package io.ringtrace.bench.sdk;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.ringtrace.engine.ops.LatencyHistogram;
import java.util.Collection;

/**
 * Measures the SDK exporter's export latency the way ringtrace's engine measures its own: from the
 * hand-off of a batch ({@code export()} called by the {@code BatchSpanProcessor} worker) until the
 * exporter completes its result, retries included, into the same kind of {@link LatencyHistogram}.
 * Everything else is the delegate's, unchanged. Costs one completion callback per batch, never per
 * span.
 */
public final class TimedSdkExporter implements SpanExporter {

    private final SpanExporter delegate;
    private final LatencyHistogram latency = new LatencyHistogram();

    /** @param delegate the exporter to time */
    public TimedSdkExporter(SpanExporter delegate) {
        this.delegate = delegate;
    }

    /**
     * @param into the snapshot to fill
     * @return {@code into}, holding every export completed so far
     */
    public LatencyHistogram.Snapshot exportLatency(LatencyHistogram.Snapshot into) {
        return latency.copyInto(into);
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        long handedOver = System.nanoTime();
        CompletableResultCode result = delegate.export(spans);
        result.whenComplete(() -> latency.record(System.nanoTime() - handedOver));
        return result;
    }

    @Override
    public CompletableResultCode flush() {
        return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }
}
