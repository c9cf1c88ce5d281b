package io.ringtrace.bench.sdk;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.ringtrace.engine.ops.LatencyHistogram;
import java.util.Collection;

/**
 * {@link TimedSdkExporter} for the logs SDK: times each export from the hand-off of a batch by the
 * {@code BatchLogRecordProcessor} worker until the exporter completes it, into the engine's kind of
 * {@link LatencyHistogram}. One completion callback per batch, never per record.
 */
public final class TimedSdkLogExporter implements LogRecordExporter {

    private final LogRecordExporter delegate;
    private final LatencyHistogram latency = new LatencyHistogram();

    /** @param delegate the exporter to time */
    public TimedSdkLogExporter(LogRecordExporter delegate) {
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
    public CompletableResultCode export(Collection<LogRecordData> logs) {
        long handedOver = System.nanoTime();
        CompletableResultCode result = delegate.export(logs);
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
