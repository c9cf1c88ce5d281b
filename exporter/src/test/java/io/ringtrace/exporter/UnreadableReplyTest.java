package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.Tracer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A receiver that answers OK has stored the request, even when the reply's body cannot be read: such
 * a request is delivered (counted exported, a warning names why the reply was unreadable) and never
 * sent again. Replies come from a raw gRPC server, so they can be anything a broken proxy sends.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnreadableReplyTest extends ExporterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);

    static Stream<Arguments> unreadableReplies() {
        byte[] valid = ExportTraceServiceResponse.newBuilder()
                .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setErrorMessage("receiver is catching up"))
                .build().toByteArray();
        byte[] rejectedOne = ExportTraceServiceResponse.newBuilder()
                .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(1)).build().toByteArray();
        return Stream.of(
                Arguments.of("a text body", new byte[][] {
                    "<html><body><h1>502 Bad Gateway</h1></body></html>".getBytes(StandardCharsets.US_ASCII)},
                        "not a valid ExportTraceServiceResponse"),
                Arguments.of("a truncated message", new byte[][] {Arrays.copyOf(valid, valid.length - 6)},
                        "not a valid ExportTraceServiceResponse"),
                Arguments.of("invalid UTF-8 in error_message", new byte[][] {partialSuccessWithRawMessage(
                        new byte[] {'b', 'a', 'd', ' ', (byte) 0xC3, 0x28, ' ', 'b', 'y', 't', 'e'})}, "UTF-8"),
                Arguments.of("a reply over the inbound message limit", new byte[][] {ExportTraceServiceResponse.newBuilder()
                        .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setErrorMessage("x".repeat(5 << 20)))
                        .build().toByteArray()}, "larger than"),
                Arguments.of("two reply messages to a unary call", new byte[][] {rejectedOne, rejectedOne},
                        "more than one reply message"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unreadableReplies")
    void anOkReplyThatCannotBeReadIsDeliveredOnceNotRetried(String what, byte[][] reply, String reason)
            throws InterruptedException {
        RawReplyServer server = closeAfterTest(RawReplyServer.start().reply(Status.OK, reply));
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(server.endpoint()).retryPolicy(FAST_RETRIES).build());
        ExportTraceServiceRequest message = otlpRequest(5);
        TestRequest request = request(message);

        exporter.export(request);

        request.await(WAIT);
        assertTrue(request.succeeded(), what + ": completed as " + request.failure() + ", log: " + logLines());
        assertEquals(0, request.rejectedSpans(), what + ": no span counted as dropped");
        assertEquals(0, request.retries(), what + ": never resent");
        List<byte[]> received = server.requests();
        assertEquals(1, received.size(), what + ": the receiver saw the request exactly once");
        assertArrayEquals(message.toByteArray(), received.get(0));
        assertTrue(logLines().stream().anyMatch(l -> l.contains(reason) && l.contains("5 spans")),
                what + ": a warning names the reason: " + logLines());
    }

    @Test
    void theEngineCountsSpansBehindAnUnreadableOkReplyAsExported() throws InterruptedException {
        RawReplyServer server = closeAfterTest(RawReplyServer.start()
                .reply(Status.OK, "upstream connect error".getBytes(StandardCharsets.US_ASCII)));
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(server.endpoint()).retryPolicy(FAST_RETRIES).build());
        TraceEngine engine = TraceEngine.builder()
                .ringSize(1024)
                .scheduleDelay(Duration.ofMillis(20))
                .exporter(exporter)
                .build();
        try {
            Tracer tracer = engine.tracer(InstrumentationScope.builder("unreadable-reply").build());
            Utf8Constant name = Utf8Constant.of("GET /");
            for (int i = 0; i < 10; i++) {
                tracer.start(name).end();
            }
            assertTrue(engine.flush(WAIT));
        } finally {
            assertTrue(engine.close(WAIT));
        }

        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(10, stats.published(), stats.toString());
        assertEquals(10, stats.exported(), stats.toString());
        assertEquals(0, stats.droppedTotal(), stats.toString());
        assertEquals(0, stats.retries(), stats.toString());
        assertEquals(1, server.requests().size(), "sent once");
    }

    /** {@code ExportTraceServiceResponse{partial_success{error_message: <bytes as they are>}}}. */
    private static byte[] partialSuccessWithRawMessage(byte[] message) {
        ByteArrayOutputStream partialSuccess = new ByteArrayOutputStream();
        partialSuccess.write(0x12); // field 2 (error_message), length-delimited
        partialSuccess.write(message.length);
        partialSuccess.writeBytes(message);
        ByteArrayOutputStream response = new ByteArrayOutputStream();
        response.write(0x0A); // field 1 (partial_success), length-delimited
        response.write(partialSuccess.size());
        response.writeBytes(partialSuccess.toByteArray());
        return response.toByteArray();
    }
}
