package io.ringtrace.bench.load;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessorBuilder;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.bench.sdk.MarshalingDiscardExporter;
import io.ringtrace.bench.sdk.SdkShape;
import io.ringtrace.bench.sdk.TimedSdkExporter;
import io.ringtrace.engine.ops.LatencyHistogram;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry Java SDK 1.68 as its documentation recommends for production:
 * {@code SdkTracerProvider} + {@code BatchSpanProcessor} (defaults: queue 2048, batch 512, delay
 * 5 s; with a batch size N given, batch N and queue max(2048, 4 x N)), always-on sampler, and
 * either {@code OtlpGrpcSpanExporter} or {@code OtlpHttpSpanExporter} (defaults: OkHttp sender,
 * reusable-data memory mode, 10 s timeout, retries on) or, with transport {@code none},
 * {@link MarshalingDiscardExporter} (the worker marshals every batch to OTLP bytes with the same
 * marshaler, then discards them). The exporter is wrapped in {@link TimedSdkExporter}, which only
 * times each export.
 */
final class SdkSystem implements LoadSystem {

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final MarshalingDiscardExporter discardingExporter;
    private final TimedSdkExporter timedExporter;
    private final boolean withEvent;

    /** @param spec the run: transport, endpoint, batch size and events per span are used */
    SdkSystem(RunSpec spec) {
        withEvent = spec.events() == 1;
        SpanExporter exporter;
        if (spec.noTransport()) {
            discardingExporter = new MarshalingDiscardExporter();
            exporter = discardingExporter;
        } else if (spec.httpTransport()) {
            discardingExporter = null;
            exporter = OtlpHttpSpanExporter.builder().setEndpoint(spec.endpoint()).build(); // the traces URL, as is
        } else {
            discardingExporter = null;
            exporter = OtlpGrpcSpanExporter.builder().setEndpoint(spec.endpoint()).build();
        }
        timedExporter = new TimedSdkExporter(exporter);
        BatchSpanProcessorBuilder processor = BatchSpanProcessor.builder(timedExporter);
        if (spec.batch() != 0) {
            // the queue must hold several batches, or the worker cannot form full ones
            processor.setMaxQueueSize(spec.sdkQueueSize()).setMaxExportBatchSize(spec.batch());
        }
        provider = SdkTracerProvider.builder()
                .setResource(SdkShape.resource())
                .addSpanProcessor(processor.build())
                .build();
        tracer = provider.get(SpanShape.SCOPE_NAME, SpanShape.SCOPE_VERSION);
    }

    @Override
    public String name() {
        return RunSpec.SDK;
    }

    @Override
    public boolean publish() {
        SdkShape.recordSpan(tracer, withEvent);
        return true;
    }

    @Override
    public void close(Duration deadline) {
        provider.shutdown().join(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public long exported() {
        return discardingExporter == null ? -1 : discardingExporter.exported();
    }

    @Override
    public long countedDrops() {
        return -1; // the BatchSpanProcessor drops silently when its queue is full
    }

    @Override
    public ExportLatency exportLatency() {
        return ExportLatency.of(timedExporter.exportLatency(new LatencyHistogram.Snapshot()));
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of(); // nothing counted beyond what the load tool measures
    }
}
