package io.ringtrace.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.opentelemetry.exporter.internal.otlp.traces.LowAllocationTraceRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.ringtrace.bench.ByteSink;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.bench.SpanShape.SpanValues;
import io.ringtrace.bench.protobuf.ProtobufBuilders;
import io.ringtrace.bench.sdk.SdkShape;
import org.junit.jupiter.api.Test;

/**
 * The encode benchmark compares like with like: every column encodes the same logical request
 * (checked by decoding each with the official classes and comparing the messages).
 */
class EncodeInputsTest {

    @Test
    void everyColumnEncodesTheSameRequest() throws Exception {
        SpanValues[] rows = SpanShape.values(EncodeBenchmark.BATCH, EncodeBenchmark.SEED);
        ExportTraceServiceRequest expected = ProtobufBuilders.build(rows);

        ByteSink sink = new ByteSink(1024);
        LowAllocationTraceRequestMarshaler lowAllocation = new LowAllocationTraceRequestMarshaler();
        lowAllocation.initialize(SdkShape.spanData(rows));
        lowAllocation.writeBinaryTo(sink);
        assertEquals(expected, ExportTraceServiceRequest.parseFrom(sink.toByteArray()));

        sink.reset();
        TraceRequestMarshaler.create(SdkShape.spanData(rows)).writeBinaryTo(sink);
        assertEquals(expected, ExportTraceServiceRequest.parseFrom(sink.toByteArray()));

        sink.reset();
        int size = ProtobufBuilders.encode(rows, sink);
        assertEquals(size, sink.size());
        assertEquals(expected, ExportTraceServiceRequest.parseFrom(sink.toByteArray()));
        EncodeBenchmark benchmark = new EncodeBenchmark();
        benchmark.setUp();
        try {
            // ringtrace omits an UNSET status (proto3 default); the SDK writes an empty Status message
            assertEquals(withoutEmptyStatus(expected),
                    ExportTraceServiceRequest.parseFrom(benchmark.ringtraceRequestBytes()));
            assertEquals(benchmark.ringtraceFillAndEncode(), benchmark.ringtraceEncode());
        } finally {
            benchmark.tearDown();
        }
        assertEquals(EncodeBenchmark.BATCH, expected.getResourceSpans(0).getScopeSpans(0).getSpansCount());
    }

    private static ExportTraceServiceRequest withoutEmptyStatus(ExportTraceServiceRequest request) {
        ExportTraceServiceRequest.Builder builder = request.toBuilder();
        for (var resourceSpans : builder.getResourceSpansBuilderList()) {
            for (var scopeSpans : resourceSpans.getScopeSpansBuilderList()) {
                for (var span : scopeSpans.getSpansBuilderList()) {
                    span.clearStatus();
                }
            }
        }
        return builder.build();
    }
}
