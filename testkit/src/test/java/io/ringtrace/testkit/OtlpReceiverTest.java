package io.ringtrace.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.rpc.RetryInfo;
import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Drives {@link OtlpReceiver} with the official generated OTLP client stub over loopback gRPC. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OtlpReceiverTest {

    private static final Metadata.Key<String> TOKEN = Metadata.Key.of("x-token", Metadata.ASCII_STRING_MARSHALLER);

    private ManagedChannel channel;

    @AfterEach
    void closeChannel() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    static ExportTraceServiceRequest request(int spans) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        for (int i = 0; i < spans; i++) {
            scope.addSpans(Span.newBuilder()
                    .setTraceId(ByteString.copyFrom(new byte[16]).concat(ByteString.EMPTY))
                    .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) i}))
                    .setName("span-" + i));
        }
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope))
                .build();
    }

    private TraceServiceGrpc.TraceServiceBlockingStub stub(OtlpReceiver receiver, ChannelCredentials credentials) {
        channel = NettyChannelBuilder.forTarget(receiver.target(), credentials).build();
        return TraceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private TraceServiceGrpc.TraceServiceBlockingStub plainStub(OtlpReceiver receiver) {
        return stub(receiver, InsecureChannelCredentials.create());
    }

    @Test
    void recordsDecodedRequestsSpansAndHeaders() {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            Metadata headers = new Metadata();
            headers.put(TOKEN, "secret-1");
            TraceServiceGrpc.TraceServiceBlockingStub stub =
                    plainStub(receiver).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));

            ExportTraceServiceRequest sent = request(3);
            ExportTraceServiceResponse response = stub.export(sent);

            assertFalse(response.hasPartialSuccess());
            assertEquals(1, receiver.requestCount());
            assertEquals(3, receiver.spanCount());
            assertEquals(sent, receiver.requests().get(0));
            assertEquals(sent.getResourceSpans(0).getScopeSpans(0).getSpansList(), receiver.spans());
            assertEquals("secret-1", receiver.lastHeaders().get(TOKEN));
            assertEquals(1, receiver.headers().size());
            assertEquals(java.util.List.of("/opentelemetry.proto.collector.trace.v1.TraceService/Export"),
                    receiver.paths());
            assertTrue(receiver.endpoint().startsWith("http://127.0.0.1:"));

            receiver.clear();
            assertEquals(0, receiver.spanCount());
            assertTrue(receiver.requests().isEmpty());
        }
    }

    @Test
    void countOnlyModeDecodesAndCountsWithoutStoring() {
        try (OtlpReceiver receiver = OtlpReceiver.builder().countOnly().start()) {
            TraceServiceGrpc.TraceServiceBlockingStub stub = plainStub(receiver);
            for (int i = 0; i < 5; i++) {
                stub.export(request(7));
            }
            assertEquals(35, receiver.spanCount());
            assertEquals(5, receiver.requestCount());
            assertTrue(receiver.requests().isEmpty());
            assertTrue(receiver.headers().isEmpty());
            assertNotNull(receiver.lastHeaders());
        }
    }

    @Test
    void scriptedFailuresCarryRetryInfoInTheStatusDetails() {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            receiver.failNext(1, Status.Code.UNAVAILABLE, Duration.ofMillis(1500))
                    .failNext(1, Status.Code.INVALID_ARGUMENT)
                    .partialSuccessNext(1, 100, "too old");
            TraceServiceGrpc.TraceServiceBlockingStub stub = plainStub(receiver);

            StatusRuntimeException throttled = assertThrows(StatusRuntimeException.class, () -> stub.export(request(2)));
            assertEquals(Status.Code.UNAVAILABLE, throttled.getStatus().getCode());
            com.google.rpc.Status details = StatusProto.fromThrowable(throttled);
            assertNotNull(details);
            RetryInfo retryInfo = unpackRetryInfo(details);
            assertEquals(1, retryInfo.getRetryDelay().getSeconds());
            assertEquals(500_000_000, retryInfo.getRetryDelay().getNanos());

            StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class, () -> stub.export(request(2)));
            assertEquals(Status.Code.INVALID_ARGUMENT, invalid.getStatus().getCode());
            assertEquals(0, StatusProto.fromThrowable(invalid).getDetailsCount(), "no RetryInfo");

            ExportTraceServiceResponse partial = stub.export(request(4));
            assertEquals(4, partial.getPartialSuccess().getRejectedSpans(), "capped at the request's spans");
            assertEquals("too old", partial.getPartialSuccess().getErrorMessage());

            assertFalse(stub.export(request(1)).hasPartialSuccess(), "script used up: plain success again");
            assertEquals(4, receiver.callCount());
            assertEquals(2, receiver.failedCallCount());
            assertEquals(2, receiver.requestCount());
            assertEquals(5, receiver.spanCount());
            assertEquals(4, receiver.rejectedSpanCount());
        }
    }

    private static RetryInfo unpackRetryInfo(com.google.rpc.Status details) {
        try {
            return details.getDetails(0).unpack(RetryInfo.class);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void anAnswerTheClientGaveUpOnIsNotRecordedAsReceived() throws InterruptedException {
        try (OtlpReceiver receiver = OtlpReceiver.start()) {
            TraceServiceGrpc.TraceServiceBlockingStub stub = plainStub(receiver);
            stub.export(request(1)); // connected and warm: the short deadline below is spent at the server
            receiver.clear();
            receiver.delayNext(1, Duration.ofMillis(800));

            StatusRuntimeException late = assertThrows(
                    StatusRuntimeException.class,
                    () -> stub.withDeadlineAfter(100, TimeUnit.MILLISECONDS).export(request(2)));
            assertEquals(Status.Code.DEADLINE_EXCEEDED, late.getStatus().getCode());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (receiver.cancelledCallCount() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, receiver.cancelledCallCount());
            assertEquals(0, receiver.spanCount());

            stub.export(request(2));
            assertTrue(receiver.awaitSpanCount(2, Duration.ofSeconds(5)));
        }
    }

    @Test
    void stopsAndRestartsOnTheSamePort() {
        try (OtlpReceiver receiver = OtlpReceiver.builder().build()) {
            int port = receiver.port();
            assertFalse(receiver.isRunning());
            TraceServiceGrpc.TraceServiceBlockingStub stub =
                    plainStub(receiver).withDeadlineAfter(2, TimeUnit.SECONDS);
            assertThrows(StatusRuntimeException.class, () -> stub.export(request(1)), "nothing listens yet");

            receiver.startServing();
            assertEquals(port, receiver.port());
            stub.withDeadlineAfter(5, TimeUnit.SECONDS).withWaitForReady().export(request(1));

            receiver.stop();
            assertFalse(receiver.isRunning());
            assertThrows(StatusRuntimeException.class, () -> stub.export(request(1)));

            receiver.startServing();
            assertEquals(port, receiver.port());
            stub.withDeadlineAfter(5, TimeUnit.SECONDS).withWaitForReady().export(request(1));
            assertEquals(2, receiver.spanCount());
        }
    }

    @Test
    void servesTlsAndDeletesItsCertificatesOnClose() throws IOException {
        Path ca;
        try (OtlpReceiver receiver = OtlpReceiver.builder().tls().start()) {
            assertTrue(receiver.endpoint().startsWith("https://127.0.0.1:"));
            ca = receiver.certificates().caCertificate();
            ChannelCredentials credentials =
                    TlsChannelCredentials.newBuilder().trustManager(ca.toFile()).build();
            stub(receiver, credentials).export(request(2));
            assertEquals(2, receiver.spanCount());
        }
        assertFalse(Files.exists(ca));
    }

    @Test
    void mtlsRequiresAClientCertificateSignedByTheTestCa() throws IOException, InterruptedException {
        try (OtlpReceiver receiver = OtlpReceiver.builder().mtls().start()) {
            TestCertificates certs = receiver.certificates();
            ChannelCredentials withoutClientCert =
                    TlsChannelCredentials.newBuilder().trustManager(certs.caCertificate().toFile()).build();
            TraceServiceGrpc.TraceServiceBlockingStub anonymous = stub(receiver, withoutClientCert);
            assertThrows(StatusRuntimeException.class, () -> anonymous.export(request(1)));
            closeChannel();

            ChannelCredentials withClientCert = TlsChannelCredentials.newBuilder()
                    .trustManager(certs.caCertificate().toFile())
                    .keyManager(certs.clientCertificate().toFile(), certs.clientKey().toFile())
                    .build();
            stub(receiver, withClientCert).export(request(3));
            assertEquals(3, receiver.spanCount());
        }
    }

    @Test
    void closeStopsEveryThreadItStarted() {
        OtlpReceiver receiver = OtlpReceiver.builder().eventLoopThreads(2).executorThreads(2).start();
        plainStub(receiver).export(request(1));
        receiver.close();
        receiver.close();
        assertEquals(0, receiverThreads(), "receiver threads left after close");
    }

    private static long receiverThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("ringtrace-receiver"))
                .count();
    }
}
