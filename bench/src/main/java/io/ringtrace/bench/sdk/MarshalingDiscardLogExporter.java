package io.ringtrace.bench.sdk;

import io.opentelemetry.exporter.internal.otlp.logs.LowAllocationLogsRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.ringtrace.bench.ByteSink;
import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A logs SDK exporter that serializes every batch into an OTLP request with the SDK's reused
 * low-allocation marshaler (what its OTLP log exporters use by default), then discards the bytes:
 * the SDK doing the same work as ringtrace's serializer stage, without I/O. Called only from the
 * {@code BatchLogRecordProcessor} worker thread.
 */
public final class MarshalingDiscardLogExporter implements LogRecordExporter {

    private final LowAllocationLogsRequestMarshaler marshaler = new LowAllocationLogsRequestMarshaler();
    private final ByteSink sink = new ByteSink(256 * 1024);
    private final AtomicLong exported = new AtomicLong();

    /** @return records serialized so far */
    public long exported() {
        return exported.get();
    }

    @Override
    public CompletableResultCode export(Collection<LogRecordData> logs) {
        sink.reset();
        marshaler.initialize(logs);
        try {
            marshaler.writeBinaryTo(sink);
        } catch (IOException e) {
            return CompletableResultCode.ofFailure();
        } finally {
            marshaler.reset();
        }
        exported.addAndGet(logs.size());
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
