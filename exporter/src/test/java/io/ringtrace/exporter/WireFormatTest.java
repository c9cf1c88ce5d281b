package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.protobuf.StatusProto;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;

/** The hand-written wire pieces against protobuf-java and the official OTLP classes. */
class WireFormatTest extends ExporterTestBase {

    @Test
    void payloadStreamDrainsExactlyTheRequestBytes() throws IOException {
        ExportTraceServiceRequest message = otlpRequest(1500); // > one 64 KiB chunk
        Bytes<?> buffer = offHeap(message);
        PayloadStream stream = new PayloadStream(new PayloadStream.CopyChunk(), buffer, buffer.readPosition(), buffer.readLimit());
        assertEquals(message.getSerializedSize(), stream.available());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(message.getSerializedSize(), stream.drainTo(out));

        assertArrayEquals(message.toByteArray(), out.toByteArray());
        assertEquals(ExportTraceServiceRequest.parseFrom(out.toByteArray()), message);
        assertEquals(3, buffer.readPosition(), "absolute reads: the buffer's positions did not move");
        assertEquals(0, stream.available());
    }

    /**
     * gRPC's framer sizes each message buffer after the first to the write that fills it: a request
     * over 1 MiB goes in 1 MiB writes (so it lands in few buffers), a smaller one through a fresh
     * chunk in 64 KiB writes (its first buffer holds it whole anyway).
     */
    @Test
    void aRequestOverOneMebibyteIsDrainedInOneMebibyteWrites() throws IOException {
        ExportTraceServiceRequest large = otlpRequest(8192); // ~1.4 MB
        ExportTraceServiceRequest small = otlpRequest(1500); // ~250 KB
        assertTrue(large.getSerializedSize() > PayloadStream.LARGE_CHUNK_BYTES);
        PayloadStream.CopyChunk chunk = new PayloadStream.CopyChunk();

        java.util.List<Integer> smallWrites = drainRecordingWrites(small, chunk);
        java.util.List<Integer> largeWrites = drainRecordingWrites(large, chunk);

        assertEquals(PayloadStream.CHUNK_BYTES, smallWrites.get(0), "a request under 1 MiB: 64 KiB writes");
        assertEquals(java.util.List.of(PayloadStream.LARGE_CHUNK_BYTES, large.getSerializedSize() - PayloadStream.LARGE_CHUNK_BYTES),
                largeWrites);
    }

    private java.util.List<Integer> drainRecordingWrites(ExportTraceServiceRequest message, PayloadStream.CopyChunk chunk)
            throws IOException {
        Bytes<?> buffer = offHeap(message);
        PayloadStream stream = new PayloadStream(chunk, buffer, buffer.readPosition(), buffer.readLimit());
        java.util.List<Integer> writes = new java.util.ArrayList<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        stream.drainTo(new java.io.OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("the drain writes whole chunks");
            }

            @Override
            public void write(byte[] chunkBytes, int offset, int length) {
                writes.add(length);
                bytes.write(chunkBytes, offset, length);
            }
        });
        assertArrayEquals(message.toByteArray(), bytes.toByteArray());
        return writes;
    }

    @Test
    void payloadStreamAlsoReadsLikeAnyInputStream() throws IOException {
        ExportTraceServiceRequest message = otlpRequest(3);
        Bytes<?> buffer = offHeap(message);
        PayloadStream stream = new PayloadStream(new PayloadStream.CopyChunk(), buffer, buffer.readPosition(), buffer.readLimit());
        assertEquals(message, ExportTraceServiceRequest.parseFrom(stream));
    }

    @Test
    void anAbandonedAttemptDoesNotReadItsBuffer() {
        Bytes<?> buffer = offHeap(otlpRequest(1));
        PayloadStream stream = new PayloadStream(new PayloadStream.CopyChunk(), buffer, buffer.readPosition(), buffer.readLimit());
        stream.abandon();
        assertEquals(-1, stream.read());
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> stream.drainTo(new ByteArrayOutputStream()));
    }

    /**
     * The attempt ends (the request completes, its buffer goes back to the engine) while a drain is
     * still writing into a slow target, as a gzip drain on a gRPC thread can be: from then on the
     * drain must not read one more byte of the buffer.
     */
    @Test
    void aDrainStopsReadingTheBufferOnceTheAttemptIsAbandoned() throws Exception {
        ExportTraceServiceRequest message = otlpRequest(3000); // several 64 KiB chunks
        Bytes<?> buffer = offHeap(message);
        PayloadStream stream = new PayloadStream(new PayloadStream.CopyChunk(), buffer, buffer.readPosition(), buffer.readLimit());
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        java.io.OutputStream abandoningTarget = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                written.write(b);
            }

            @Override
            public void write(byte[] bytes, int offset, int length) {
                written.write(bytes, offset, length);
                Thread completer = new Thread(stream::abandon, "completer"); // the exporter completing the call
                completer.start();
                try {
                    completer.join(5_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        assertTrue(message.getSerializedSize() > 2 * PayloadStream.CHUNK_BYTES);

        org.junit.jupiter.api.Assertions.assertThrows(IOException.class, () -> stream.drainTo(abandoningTarget));

        assertEquals(PayloadStream.CHUNK_BYTES, written.size(), "nothing was read after the attempt was abandoned");
        assertEquals(-1, stream.read());
    }

    @Test
    void responsesAreDecodedLikeProtobufJavaDoes() throws IOException {
        assertSame(ExportResponse.FULL_SUCCESS, ExportResponse.parse(new ByteArrayInputStream(new byte[0])));
        assertSame(ExportResponse.FULL_SUCCESS,
                ExportResponse.parse(new ByteArrayInputStream(ExportTraceServiceResponse.getDefaultInstance().toByteArray())));

        byte[] partial = ExportTraceServiceResponse.newBuilder()
                .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(42).setErrorMessage("too old ✓"))
                .build()
                .toByteArray();
        ExportResponse response = ExportResponse.parse(new ByteArrayInputStream(partial));
        assertEquals(42, response.rejectedSpans);
        assertEquals("too old ✓", response.errorMessage);

        byte[] warningOnly = ExportTraceServiceResponse.newBuilder()
                .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setErrorMessage("deprecated attribute"))
                .build()
                .toByteArray();
        ExportResponse warning = ExportResponse.parse(new ByteArrayInputStream(warningOnly));
        assertEquals(0, warning.rejectedSpans);
        assertEquals("deprecated attribute", warning.errorMessage);
    }

    @Test
    void decodingNeverFailsAndKeepsAtMostOneKiBOfTheMessage() {
        String longMessage = "é".repeat(50_000) + "\nFORGED";
        byte[] partial = ExportTraceServiceResponse.newBuilder()
                .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(7).setErrorMessage(longMessage))
                .build()
                .toByteArray();
        ExportResponse response = ExportResponse.parse(new ByteArrayInputStream(partial));
        assertEquals(7, response.rejectedSpans, "the count survives a message cut short");
        assertEquals(null, response.problem);
        assertTrue(response.errorMessage.startsWith("é".repeat(512) + " ["), "512 two-byte characters, none split: "
                + response.errorMessage.substring(500, 530));
        assertTrue(response.errorMessage.endsWith("more bytes cut]"), response.errorMessage);
        assertFalse(response.errorMessage.contains("FORGED"));

        byte[] valid = ExportTraceServiceResponse.newBuilder()
                .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(3).setErrorMessage("old"))
                .build()
                .toByteArray();
        for (int length = 1; length < valid.length; length++) {
            byte[] truncated = java.util.Arrays.copyOf(valid, length);
            ExportResponse cut = ExportResponse.parse(new ByteArrayInputStream(truncated));
            assertTrue(cut.problem != null, "a truncated message is reported, not thrown: " + length + " bytes");
            assertEquals(0, cut.rejectedSpans, "nothing counted from a message that did not arrive whole");
        }
        ExportResponse text = ExportResponse.parse(new ByteArrayInputStream("<html>502</html>".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        assertTrue(text.problem != null, "a proxy's page is reported, not thrown");
    }

    @Test
    void retryInfoIsReadFromTheStatusDetails() {
        com.google.rpc.Status withDelay = com.google.rpc.Status.newBuilder()
                .setCode(Status.Code.UNAVAILABLE.value())
                .addDetails(Any.pack(RetryInfo.newBuilder()
                        .setRetryDelay(com.google.protobuf.Duration.newBuilder().setSeconds(2).setNanos(5)).build()))
                .build();
        Metadata trailers = StatusProto.toStatusRuntimeException(withDelay).getTrailers();
        assertEquals(2_000_000_005L, RetryableStatus.serverRetryDelayNanos(Status.UNAVAILABLE, trailers));
        assertEquals(RetryableStatus.NO_RETRY_INFO, RetryableStatus.serverRetryDelayNanos(Status.UNAVAILABLE, new Metadata()));
        assertEquals(RetryableStatus.NO_RETRY_INFO, RetryableStatus.serverRetryDelayNanos(Status.UNAVAILABLE, null));
    }

    @Test
    void retryableCodesFollowTheSpecTable() {
        for (Status.Code code : Status.Code.values()) {
            boolean expected = switch (code) {
                case CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS -> true;
                default -> false;
            };
            assertEquals(expected, RetryableStatus.isRetryable(code, false), code.toString());
        }
        assertTrue(RetryableStatus.isRetryable(Status.Code.RESOURCE_EXHAUSTED, true));
        assertFalse(RetryableStatus.isRetryable(Status.Code.RESOURCE_EXHAUSTED, false));
        assertFalse(RetryableStatus.isRetryable(Status.Code.INVALID_ARGUMENT, true));
    }
}
