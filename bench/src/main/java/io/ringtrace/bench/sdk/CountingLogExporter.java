package io.ringtrace.bench.sdk;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/** A logs SDK exporter that counts the records of each batch and discards them (no serialization). */
public final class CountingLogExporter implements LogRecordExporter {

    private final AtomicLong exported = new AtomicLong();

    /** @return records counted so far */
    public long exported() {
        return exported.get();
    }

    @Override
    public CompletableResultCode export(Collection<LogRecordData> logs) {
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
