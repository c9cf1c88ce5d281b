package io.ringtrace.exporter;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.grpc.KnownLength;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What an {@code ExportTraceServiceResponse} says: its optional {@code partial_success}. Decoded by
 * hand from the wire (field numbers from {@code opentelemetry/proto/collector/trace/v1/
 * trace_service.proto}); a full success is an empty message and costs no allocation.
 *
 * <p>Decoding never fails: a body that is not a valid message (a proxy's text page, a truncated
 * message, an {@code error_message} that is not UTF-8) gives a response whose {@link #problem} says
 * why. Whether the request was delivered is the call status's business, not the body's: the
 * receiver that answered OK has the request whatever body came with it.
 */
final class ExportResponse {

    /** The full-success answer (no {@code partial_success}). */
    static final ExportResponse FULL_SUCCESS = new ExportResponse(0, "", null);

    /**
     * The most bytes of a reply either transport reads into memory (this much per request in flight
     * at worst). A reply is a count and a message, so 1 MiB leaves room for any message a receiver
     * writes; a larger one still means the receiver has the request.
     */
    static final int MAX_REPLY_BYTES = 1 << 20;

    /** The most bytes of {@code error_message} read; the rest is skipped unread. */
    static final int MAX_ERROR_MESSAGE_BYTES = ReceiverText.MAX_CHARS;

    private static final int PARTIAL_SUCCESS = 1; // ExportTraceServiceResponse.partial_success
    private static final int REJECTED_SPANS = 1; // ExportTracePartialSuccess.rejected_spans (int64)
    private static final int ERROR_MESSAGE = 2; // ExportTracePartialSuccess.error_message (string)

    /** {@code partial_success.rejected_spans}; 0 when the body could not be read. */
    final long rejectedSpans;
    /** {@code partial_success.error_message} as fit for a log line ({@link ReceiverText}); may be empty. */
    final String errorMessage;
    /** Why the body is not a valid {@code ExportTraceServiceResponse}, or null if it is. */
    final String problem;

    private ExportResponse(long rejectedSpans, String errorMessage, String problem) {
        this.rejectedSpans = rejectedSpans;
        this.errorMessage = errorMessage;
        this.problem = problem;
    }

    /**
     * @param problem why the reply cannot be read as an {@code ExportTraceServiceResponse}
     * @return a response that reports nothing rejected and carries the problem
     */
    static ExportResponse unreadable(String problem) {
        return new ExportResponse(0, "", problem);
    }

    /**
     * Decodes a reply body. Never throws: gRPC would turn an exception here into {@code CANCELLED},
     * a status the OTLP retry table retries, and the receiver that answered OK would store the
     * request once more per attempt.
     *
     * @param stream the response body
     * @return the response, with {@link #problem} set if the body is not a valid message
     */
    static ExportResponse parse(InputStream stream) {
        try {
            return decode(stream);
        } catch (IOException | RuntimeException e) {
            // InvalidProtocolBufferException says what is wrong with the bytes; anything else (a
            // decompression failure, gRPC's decompressed-size limit) is named by its type too.
            String what = e instanceof InvalidProtocolBufferException
                    ? e.getMessage()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            return unreadable(ReceiverText.forLog(what));
        }
    }

    private static ExportResponse decode(InputStream stream) throws IOException {
        if (stream instanceof KnownLength && stream.available() == 0) {
            return FULL_SUCCESS; // the common case: an empty message, nothing to decode
        }
        CodedInputStream input = CodedInputStream.newInstance(stream);
        long rejected = 0;
        String message = "";
        long messageBytesCut = 0;
        boolean messageIsUtf8 = true;
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
                        int length = input.readRawVarint32();
                        if (length < 0) {
                            throw new InvalidProtocolBufferException("error_message has a negative length");
                        }
                        byte[] bytes = input.readRawBytes(Math.min(length, MAX_ERROR_MESSAGE_BYTES));
                        input.skipRawBytes(length - bytes.length);
                        int end = bytes.length < length ? lastWholeCharacterEnd(bytes) : bytes.length;
                        messageBytesCut = length - end;
                        try {
                            message = StandardCharsets.UTF_8.newDecoder()
                                    .onMalformedInput(CodingErrorAction.REPORT)
                                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                                    .decode(ByteBuffer.wrap(bytes, 0, end))
                                    .toString();
                            messageIsUtf8 = true;
                        } catch (CharacterCodingException e) {
                            message = new String(bytes, 0, end, StandardCharsets.UTF_8); // U+FFFD for bad bytes
                            messageIsUtf8 = false;
                        }
                    } else {
                        skip(input, inner);
                    }
                }
                if (input.getBytesUntilLimit() > 0) {
                    // a stream has no known end, so the inner loop also stops where the body does
                    throw new InvalidProtocolBufferException("the reply ends inside partial_success");
                }
                input.popLimit(limit);
            } else {
                skip(input, tag);
            }
        }
        if (rejected == 0 && message.isEmpty() && messageIsUtf8) {
            return FULL_SUCCESS;
        }
        // A message that is not UTF-8 makes the whole reply invalid for protobuf, yet its
        // rejected_spans is still the receiver's word: keep it and report the problem.
        return new ExportResponse(rejected, ReceiverText.forLog(message, messageBytesCut),
                messageIsUtf8 ? null : "partial_success.error_message is not valid UTF-8");
    }

    /** Skips a field the decoder does not read; an unmatched end-group tag is invalid, as for protobuf-java. */
    private static void skip(CodedInputStream input, int tag) throws IOException {
        if (!input.skipField(tag)) {
            throw new InvalidProtocolBufferException("end-group tag without a start-group tag");
        }
    }

    /** @return where the last complete UTF-8 sequence of a cut byte run ends */
    private static int lastWholeCharacterEnd(byte[] bytes) {
        int lead = bytes.length - 1;
        while (lead > 0 && bytes.length - lead < 4 && (bytes[lead] & 0xC0) == 0x80) {
            lead--; // back over continuation bytes to the sequence's lead byte
        }
        int b = bytes[lead] & 0xFF;
        int sequenceLength = b < 0xC0 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
        return bytes.length - lead >= sequenceLength ? bytes.length : lead;
    }
}
