package io.ringtrace.exporter;

import io.grpc.MethodDescriptor;
import java.io.InputStream;

/**
 * The hand-made gRPC method {@code opentelemetry.proto.collector.trace.v1.TraceService/Export}:
 * the request is a {@link PayloadStream} over the sealed off-heap bytes (no protobuf message), the
 * response is decoded by hand into an {@link ExportResponse}, leniently: decoding never fails the
 * call. Client side only.
 */
final class ExportMethod {

    /** The OTLP trace service's export method, as named in {@code trace_service.proto}. */
    static final String FULL_METHOD_NAME =
            MethodDescriptor.generateFullMethodName("opentelemetry.proto.collector.trace.v1.TraceService", "Export");

    static final MethodDescriptor<PayloadStream, ExportResponse> DESCRIPTOR =
            MethodDescriptor.<PayloadStream, ExportResponse>newBuilder()
                    .setType(MethodDescriptor.MethodType.UNARY)
                    .setFullMethodName(FULL_METHOD_NAME)
                    .setRequestMarshaller(new RequestMarshaller())
                    .setResponseMarshaller(new ResponseMarshaller())
                    .build();

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
