package io.ringtrace.engine.export;

/**
 * The OTLP signal a sealed request carries, which tells a transport where it goes: the gRPC service
 * ({@code TraceService}, {@code MetricsService}, {@code LogsService}), the OTLP/HTTP path
 * ({@code /v1/traces}, {@code /v1/metrics}, {@code /v1/logs}) and which {@code partial_success} count
 * the reply holds. The request bytes are an {@code ExportTraceServiceRequest},
 * {@code ExportMetricsServiceRequest} or {@code ExportLogsServiceRequest} accordingly.
 */
public enum Signal {
    /** Spans: {@code ExportTraceServiceRequest}. */
    TRACES,
    /** Metric data points: {@code ExportMetricsServiceRequest}. */
    METRICS,
    /** Log records: {@code ExportLogsServiceRequest}. */
    LOGS
}
