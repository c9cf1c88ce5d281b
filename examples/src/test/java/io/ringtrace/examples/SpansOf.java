package io.ringtrace.examples;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.List;
import java.util.Optional;

/** Reads decoded OTLP spans (official classes) in the example tests. */
final class SpansOf {

    private SpansOf() {}

    static Optional<AnyValue> attribute(Span span, String key) {
        return attribute(span.getAttributesList(), key);
    }

    static Optional<AnyValue> attribute(List<KeyValue> attributes, String key) {
        return attributes.stream().filter(kv -> kv.getKey().equals(key)).map(KeyValue::getValue).findFirst();
    }

    static String hex(ByteString id) {
        StringBuilder s = new StringBuilder(id.size() * 2);
        for (byte b : id.toByteArray()) {
            s.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
        }
        return s.toString();
    }

    /** @return the low 8 bytes of a 16-byte trace id as a long (big-endian, as the W3C hex reads) */
    static long traceIdLow(ByteString traceId) {
        long low = 0;
        for (int i = 8; i < 16; i++) {
            low = (low << 8) | (traceId.byteAt(i) & 0xFF);
        }
        return low;
    }
}
