package io.ringtrace.bench.load;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessor;
import io.opentelemetry.sdk.logs.export.BatchLogRecordProcessorBuilder;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.ringtrace.bench.logs.LogShape;
import io.ringtrace.bench.sdk.MarshalingDiscardLogExporter;
import io.ringtrace.bench.sdk.SdkShape;
import io.ringtrace.bench.sdk.TimedSdkLogExporter;
import io.ringtrace.engine.ops.LatencyHistogram;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenTelemetry's logs SDK 1.68 as its documentation recommends: {@code SdkLoggerProvider} +
 * {@code BatchLogRecordProcessor} (defaults: queue 2,048, batch 512, 1 s; with a batch size N given,
 * batch N and queue max(2048, 4 x N)) and {@code OtlpGrpcLogRecordExporter} or {@code
 * OtlpHttpLogRecordExporter} (default sender), or with transport {@code none} {@link
 * MarshalingDiscardLogExporter} (the worker marshals every batch, then discards it); timed by {@link
 * TimedSdkLogExporter}. Attribute keys are built once. Its queue drops silently when full.
 */
final class OtelLogsSdkSystem implements LoadSystem {

    private final AttributeKey<String> order = AttributeKey.stringKey(LogShape.KEY_ORDER);
    private final AttributeKey<String> tier = AttributeKey.stringKey(LogShape.KEY_TIER);
    private final SdkLoggerProvider provider;
    private final Logger logger;
    private final MarshalingDiscardLogExporter discarding;
    private final TimedSdkLogExporter timed;

    /** @param spec the run: transport, endpoint, batch */
    OtelLogsSdkSystem(RunSpec spec) {
        LogRecordExporter exporter;
        if (spec.noTransport()) {
            discarding = new MarshalingDiscardLogExporter();
            exporter = discarding;
        } else if (spec.httpTransport()) {
            discarding = null;
            exporter = OtlpHttpLogRecordExporter.builder().setEndpoint(logsUrl(spec.endpoint())).build();
        } else {
            discarding = null;
            exporter = OtlpGrpcLogRecordExporter.builder().setEndpoint(spec.endpoint()).build();
        }
        timed = new TimedSdkLogExporter(exporter);
        BatchLogRecordProcessorBuilder processor = BatchLogRecordProcessor.builder(timed);
        if (spec.batch() != 0) {
            processor.setMaxQueueSize(spec.sdkQueueSize()).setMaxExportBatchSize(spec.batch());
        }
        provider = SdkLoggerProvider.builder().setResource(SdkShape.resource()).addLogRecordProcessor(processor.build()).build();
        logger = provider.get(LogShape.LOGGER);
    }

    /** @return the receiver's logs URL from its traces URL (the SDK's HTTP exporter takes the URL as is) */
    static String logsUrl(String tracesUrl) {
        return tracesUrl.endsWith("/v1/traces")
                ? tracesUrl.substring(0, tracesUrl.length() - "/v1/traces".length()) + "/v1/logs" : tracesUrl;
    }

    @Override
    public String name() {
        return LogSystems.OTEL_LOGS_SDK;
    }

    @Override
    public boolean publish() {
        logger.logRecordBuilder().setSeverity(Severity.INFO).setSeverityText("INFO").setBody(LogShape.BODY)
                .setAttribute(order, LogShape.ORDER).setAttribute(tier, LogShape.TIER).emit();
        return true;
    }

    @Override
    public void close(Duration deadline) {
        provider.shutdown().join(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public long exported() {
        return discarding == null ? -1 : discarding.exported();
    }

    @Override
    public long countedDrops() {
        return -1; // the BatchLogRecordProcessor drops silently when its queue is full
    }

    @Override
    public ExportLatency exportLatency() {
        return ExportLatency.of(timed.exportLatency(new LatencyHistogram.Snapshot()));
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }
}
