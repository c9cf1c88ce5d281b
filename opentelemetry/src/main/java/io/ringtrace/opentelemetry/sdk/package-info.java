/**
 * The OpenTelemetry SDK side: {@link io.ringtrace.opentelemetry.sdk.RingtraceSpanProcessor}, a span
 * processor that hands the SDK's ended spans to a ringtrace engine, and {@link
 * io.ringtrace.opentelemetry.sdk.RingtraceAutoConfiguration}, which installs it through the SDK's
 * autoconfiguration and the OpenTelemetry Java agent ({@code otel.traces.exporter=ringtrace}).
 */
package io.ringtrace.opentelemetry.sdk;
