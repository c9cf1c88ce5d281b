package io.ringtrace.exporter;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.grpc.KnownLength;
import java.io.IOException;
import java.io.InputStream;

/**
 * What an {@code ExportTraceServiceResponse} says: its optional {@code partial_success}. Decoded by
 * hand from the wire (field numbers from {@code opentelemetry/proto/collector/trace/v1/
 * trace_service.proto}); a full success is an empty message and costs no allocation.
 */
final class ExportResponse {

    /** The full-success answer (no {@code partial_success}). */
    static final ExportResponse FULL_SUCCESS = new ExportResponse(0, "");

    private static final int PARTIAL_SUCCESS = 1; // ExportTraceServiceResponse.partial_success
    private static final int REJECTED_SPANS = 1; // ExportTracePartialSuccess.rejected_spans (int64)
    private static final int ERROR_MESSAGE = 2; // ExportTracePartialSuccess.error_message (string)

    final long rejectedSpans;
    final String errorMessage;

    private ExportResponse(long rejectedSpans, String errorMessage) {
        this.rejectedSpans = rejectedSpans;
        this.errorMessage = errorMessage;
    }

    /**
     * @param stream the response body
     * @return the response
     * @throws IOException if the body is not a valid message
     */
    static ExportResponse parse(InputStream stream) throws IOException {
        if (stream instanceof KnownLength && stream.available() == 0) {
            return FULL_SUCCESS; // the common case: an empty message, nothing to decode
        }
        CodedInputStream input = CodedInputStream.newInstance(stream);
        long rejected = 0;
        String message = "";
        while (true) {
            int tag = input.readTag();
            if (tag == 0) {
                break;
            }
            if (WireFormat.getTagFieldNumber(tag) == PARTIAL_SUCCESS
                    && WireFormat.getTagWireType(tag) == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                int limit = input.pushLimit(input.readRawVarint32());
                while (true) {
                    int inner = input.readTag();
                    if (inner == 0) {
                        break;
                    }
                    int field = WireFormat.getTagFieldNumber(inner);
                    int type = WireFormat.getTagWireType(inner);
                    if (field == REJECTED_SPANS && type == WireFormat.WIRETYPE_VARINT) {
                        rejected = input.readInt64();
                    } else if (field == ERROR_MESSAGE && type == WireFormat.WIRETYPE_LENGTH_DELIMITED) {
                        message = input.readStringRequireUtf8();
                    } else {
                        input.skipField(inner);
                    }
                }
                input.popLimit(limit);
            } else {
                input.skipField(tag);
            }
        }
        return rejected == 0 && message.isEmpty() ? FULL_SUCCESS : new ExportResponse(rejected, message);
    }
}
