package io.ringtrace.bench.sdk;

import io.opentelemetry.exporter.internal.otlp.traces.LowAllocationTraceRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.ringtrace.bench.ByteSink;
import java.io.IOException;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An SDK {@link SpanExporter} that serializes every batch into an OTLP request exactly as
 * {@code OtlpGrpcSpanExporter} does by default (a reused {@link LowAllocationTraceRequestMarshaler}),
 * then discards the bytes: the SDK doing the same work as ringtrace's serializer stage, without I/O.
 * Called only from the {@code BatchSpanProcessor} worker thread.
 */
public final class MarshalingDiscardExporter implements SpanExporter {

    private final LowAllocationTraceRequestMarshaler marshaler = new LowAllocationTraceRequestMarshaler();
    private final ByteSink sink = new ByteSink(256 * 1024);
    private final AtomicLong exported = new AtomicLong();

    /** @return spans serialized so far */
    public long exported() {
        return exported.get();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        sink.reset();
        marshaler.initialize(spans);
        try {
            marshaler.writeBinaryTo(sink);
        } catch (IOException e) {
            return CompletableResultCode.ofFailure();
        } finally {
            marshaler.reset();
        }
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
