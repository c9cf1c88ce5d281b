package io.ringtrace.bench.load;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.bench.sdk.SdkShape;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The OpenTelemetry Java SDK 1.68 as its documentation recommends for production:
 * {@code SdkTracerProvider} + {@code BatchSpanProcessor} (defaults: queue 2048, batch 512, delay
 * 5 s) + {@code OtlpGrpcSpanExporter} (defaults: OkHttp sender, reusable-data memory mode, 10 s
 * timeout, retries on), always-on sampler.
 */
final class SdkSystem implements TracingSystem {

    private final SdkTracerProvider provider;
    private final Tracer tracer;

    /** @param endpoint the receiver, e.g. {@code http://127.0.0.1:4317} */
    SdkSystem(String endpoint) {
        OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder().setEndpoint(endpoint).build();
        provider = SdkTracerProvider.builder()
                .setResource(SdkShape.resource())
                .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
                .build();
        tracer = provider.get(SpanShape.SCOPE_NAME, SpanShape.SCOPE_VERSION);
    }

    @Override
    public String name() {
        return "otel-sdk";
    }

    @Override
    public boolean publishSpan() {
        SdkShape.recordSpan(tracer);
        return true;
    }

    @Override
    public void close(Duration deadline) {
        provider.shutdown().join(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }
}
