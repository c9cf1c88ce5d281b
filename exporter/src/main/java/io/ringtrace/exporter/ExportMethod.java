package io.ringtrace.exporter;

import io.ringtrace.engine.export.Signal;
import io.grpc.MethodDescriptor;
import java.io.InputStream;

/**
 * The hand-made gRPC methods {@code opentelemetry.proto.collector.trace.v1.TraceService/Export},
 * {@code ...metrics.v1.MetricsService/Export} and {@code ...logs.v1.LogsService/Export}:
 * the request is a {@link PayloadStream} over the sealed off-heap bytes (no protobuf message), the
 * response is decoded by hand into an {@link ExportResponse}, leniently: decoding never fails the
 * call. Client side only.
 */
final class ExportMethod {

    /** The OTLP trace service's export method, as named in {@code trace_service.proto}. */
    static final String FULL_METHOD_NAME =
            MethodDescriptor.generateFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService", "Export");

    static final MethodDescriptor<PayloadStream, ExportResponse> DESCRIPTOR = descriptor(FULL_METHOD_NAME);
    private static final MethodDescriptor<PayloadStream, ExportResponse> METRICS = descriptor(
            MethodDescriptor.generateFullMethodName("opentelemetry.proto.collector.metrics.v1.MetricsService", "Export"));
    private static final MethodDescriptor<PayloadStream, ExportResponse> LOGS = descriptor(
            MethodDescriptor.generateFullMethodName("opentelemetry.proto.collector.logs.v1.LogsService", "Export"));

    private static MethodDescriptor<PayloadStream, ExportResponse> descriptor(String fullMethodName) {
        return MethodDescriptor.<PayloadStream, ExportResponse>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(fullMethodName)
                .setRequestMarshaller(new RequestMarshaller())
                .setResponseMarshaller(new ResponseMarshaller())
                .build();
    }

    /**
     * The three {@code Export*ServiceResponse}s share one layout ({@code partial_success} = 1, its
     * rejected count = 1 and {@code error_message} = 2), so one response decoder serves them all.
     *
     * @param signal the request's signal
     * @return the method that exports it
     */
    static MethodDescriptor<PayloadStream, ExportResponse> forSignal(Signal signal) {
        switch (signal) {
            case METRICS:
                return METRICS;
            case LOGS:
                return LOGS;
            default:
                return DESCRIPTOR;
        }
    }

    /** @return the name of the signal's reply message, for log lines */
    static String responseOf(Signal signal) {
        switch (signal) {
            case METRICS:
                return "ExportMetricsServiceResponse";
            case LOGS:
                return "ExportLogsServiceResponse";
            default:
                return "ExportTraceServiceResponse";
        }
    }

    /** @return what the signal's items are called in log lines */
    static String itemsOf(Signal signal) {
        switch (signal) {
            case METRICS:
                return "data points";
            case LOGS:
                return "log records";
            default:
                return "spans";
        }
    }

    private ExportMethod() {}

    private static final class RequestMarshaller implements MethodDescriptor.Marshaller<PayloadStream> {
        @Override
        public InputStream stream(PayloadStream request) {
            return request; // a fresh stream per attempt, positioned at the request's first byte
        }

        @Override
        public PayloadStream parse(InputStream stream) {
            throw new UnsupportedOperationException("client-side marshaller: requests are never parsed");
        }
    }

    private static final class ResponseMarshaller implements MethodDescriptor.Marshaller<ExportResponse> {
        @Override
        public InputStream stream(ExportResponse response) {
            throw new UnsupportedOperationException("client-side marshaller: responses are never sent");
        }

        /**
         * Never throws: grpc-java reports a marshaller's exception as {@code CANCELLED} ("Failed to
         * read message"), which cannot be told from a real cancellation and which the OTLP retry
         * table retries, so an OK reply with a body we cannot read would be sent again. The
         * problem travels in the returned {@link ExportResponse} instead, and the call keeps the
         * receiver's own status.
         */
        @Override
        public ExportResponse parse(InputStream stream) {
            return ExportResponse.parse(stream);
        }
    }
}
