package io.ringtrace.bench.protobuf;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.bench.SpanShape.SpanValues;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The third column of the encode benchmark: what an application would write with protobuf-java's
 * generated builders (the official {@code opentelemetry-proto} classes). Each call builds the whole
 * {@code ExportTraceServiceRequest} from the span values, as a real pipeline would for each batch,
 * and serializes it to the given stream.
 */
public final class ProtobufBuilders {

    private ProtobufBuilders() {
    }

    /**
     * Builds the request for {@code rows}.
     *
     * @param rows span values
     * @return the request message
     */
    public static ExportTraceServiceRequest build(SpanValues[] rows) {
        ScopeSpans.Builder scopeSpans = ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder()
                        .setName(SpanShape.SCOPE_NAME)
                        .setVersion(SpanShape.SCOPE_VERSION));
        for (SpanValues row : rows) {
            scopeSpans.addSpans(Span.newBuilder()
                    .setTraceId(id128(row.traceIdHigh(), row.traceIdLow()))
                    .setSpanId(id64(row.spanId()))
                    .setParentSpanId(id64(row.parentSpanId()))
                    .setFlags(0x101) // sampled + "parent is remote" known (what the SDK writes for a remote parent)
                    .setName(SpanShape.SPAN_NAME)
                    .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                    .setStartTimeUnixNano(row.startEpochNanos())
                    .setEndTimeUnixNano(row.endEpochNanos())
                    .addAttributes(stringAttribute(SpanShape.KEY_METHOD, SpanShape.VALUE_METHOD))
                    .addAttributes(stringAttribute(SpanShape.KEY_PATH, SpanShape.VALUE_PATH))
                    .addAttributes(KeyValue.newBuilder().setKey(SpanShape.KEY_STATUS)
                            .setValue(AnyValue.newBuilder().setIntValue(SpanShape.VALUE_STATUS)))
                    .addAttributes(KeyValue.newBuilder().setKey(SpanShape.KEY_CACHE_HIT)
                            .setValue(AnyValue.newBuilder().setBoolValue(SpanShape.VALUE_CACHE_HIT)))
                    .addEvents(Span.Event.newBuilder()
                            .setName(SpanShape.EVENT_NAME)
                            .setTimeUnixNano(row.eventEpochNanos()))
                    .setStatus(Status.getDefaultInstance()));
        }
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder()
                                .addAttributes(stringAttribute("service.name", SpanShape.SERVICE_NAME)))
                        .addScopeSpans(scopeSpans))
                .build();
    }

    /**
     * Builds and serializes the request for {@code rows}.
     *
     * @param rows span values
     * @param out where the bytes go
     * @return the serialized size
     * @throws IOException from the stream
     */
    public static int encode(SpanValues[] rows, OutputStream out) throws IOException {
        ExportTraceServiceRequest request = build(rows);
        CodedOutputStream coded = CodedOutputStream.newInstance(out, 8192);
        request.writeTo(coded);
        coded.flush();
        return request.getSerializedSize();
    }

    private static KeyValue.Builder stringAttribute(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value));
    }

    private static ByteString id64(long id) {
        byte[] bytes = new byte[8];
        putLongBigEndian(bytes, 0, id);
        return ByteString.copyFrom(bytes);
    }

    private static ByteString id128(long high, long low) {
        byte[] bytes = new byte[16];
        putLongBigEndian(bytes, 0, high);
        putLongBigEndian(bytes, 8, low);
        return ByteString.copyFrom(bytes);
    }

    private static void putLongBigEndian(byte[] bytes, int offset, long value) {
        for (int i = 7; i >= 0; i--) {
            bytes[offset + i] = (byte) value;
            value >>>= 8;
        }
    }
}
