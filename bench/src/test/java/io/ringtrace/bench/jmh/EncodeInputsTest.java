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
    void sdkMarshalersAndProtobufBuildersEncodeTheSameRequest() throws Exception {
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
        assertEquals(EncodeBenchmark.BATCH, expected.getResourceSpans(0).getScopeSpans(0).getSpansCount());
    }
}
