package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ConnectivityState;
import io.grpc.Metadata;
import io.grpc.Status;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.testkit.OtlpReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The exporter against a real OTLP receiver on loopback: delivery, the spec's retry rules, shutdown. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OtlpGrpcSpanExporterTest extends ExporterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void deliversTheOffHeapBytesUnchangedToTheReceiver() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        List<ExportTraceServiceRequest> sent = new ArrayList<>();
        List<TestRequest> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            ExportTraceServiceRequest message = otlpRequest(1 + i * 7);
            sent.add(message);
            requests.add(request(message));
        }
        for (TestRequest request : requests) {
            exporter.export(request); // more than maxInFlight at once: the rest wait, none blocks
        }
        for (TestRequest request : requests) {
            request.await(WAIT);
            assertEquals(0, request.rejectedSpans());
            assertEquals(0, request.retries());
        }
        assertEquals(12, receiver.requestCount());
        assertTrue(receiver.requests().containsAll(sent), "every request arrives as protobuf-java encoded it");
        assertEquals(sent.stream().mapToLong(m -> m.getResourceSpans(0).getScopeSpans(0).getSpansCount()).sum(),
                receiver.spanCount());
        assertEquals(0, exporter.inFlightRequests());
        assertEquals(0, exporter.waitingRequests());
    }

    @Test
    void oneInFlightKeepsArrivalOrderAndExportNeverWaitsForASlot() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.delayNext(1, Duration.ofSeconds(1));
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint()).maxInFlight(1).retryPolicy(FAST_RETRIES).build());
        List<ExportTraceServiceRequest> sent = new ArrayList<>();
        List<TestRequest> requests = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            sent.add(otlpRequest(3));
            requests.add(request(sent.get(i)));
            exporter.export(requests.get(i));
        }
        // export() returned six times while the first call is held for a second: the rest wait.
        assertFalse(requests.get(0).isCompleted());
        assertEquals(1, exporter.inFlightRequests());
        assertEquals(5, exporter.waitingRequests());
        for (TestRequest request : requests) {
            request.await(WAIT);
        }
        assertEquals(sent, receiver.requests());
    }

    @Test
    void unavailableNTimesIsRetriedWithoutLoss() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.failNext(3, Status.Code.UNAVAILABLE);
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        ExportTraceServiceRequest message = otlpRequest(20);
        TestRequest request = request(message);

        exporter.export(request);

        request.await(WAIT);
        assertTrue(request.succeeded());
        assertEquals(3, request.retries());
        assertEquals(4, receiver.callCount());
        assertEquals(List.of(message), receiver.requests(), "delivered exactly once");
    }

    @Test
    void unavailableWithRetryInfoWaitsTheServersDelay() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.failNext(1, Status.Code.UNAVAILABLE, Duration.ofMillis(400));
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        TestRequest request = request(otlpRequest(5));

        long start = System.nanoTime();
        exporter.export(request);
        assertTrue(receiver.awaitCallCount(1, WAIT));
        Await.until("the retry is scheduled", WAIT, () -> exporter.retriesPending() == 1);
        assertFalse(request.isCompleted(), "waiting to retry");
        assertEquals(1, exporter.inFlightRequests(), "its buffer stays in flight while it waits");
        request.await(WAIT);

        assertTrue(request.succeeded());
        assertTrue(request.completedAtNanos() - start >= TimeUnit.MILLISECONDS.toNanos(400),
                "the backoff (10-50 ms) was replaced by the server's 400 ms retry_delay");
        assertEquals(1, request.retries());
    }

    @Test
    void resourceExhaustedWithRetryInfoIsRetried() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.failNext(2, Status.Code.RESOURCE_EXHAUSTED, Duration.ofMillis(20));
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        TestRequest request = request(otlpRequest(5));

        exporter.export(request);

        request.await(WAIT);
        assertTrue(request.succeeded());
        assertEquals(2, request.retries());
        assertEquals(5, receiver.spanCount());
    }

    @Test
    void resourceExhaustedWithoutRetryInfoIsDroppedNotRetried() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.failNext(1, Status.Code.RESOURCE_EXHAUSTED);
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        TestRequest request = request(otlpRequest(5));

        exporter.export(request);

        request.await(WAIT);
        assertEquals(DropReason.EXPORT_FAILED, request.failure());
        assertEquals(0, request.retries());
        assertEquals(1, receiver.callCount());
        assertEquals(0, receiver.spanCount());
    }

    @Test
    void invalidArgumentIsDroppedNotRetried() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.failNext(1, Status.Code.INVALID_ARGUMENT);
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        TestRequest request = request(otlpRequest(5));

        exporter.export(request);

        request.await(WAIT);
        assertEquals(DropReason.EXPORT_FAILED, request.failure());
        assertEquals(0, request.retries());
        assertEquals(1, receiver.callCount());
        assertTrue(logLines().stream().anyMatch(l -> l.contains("INVALID_ARGUMENT") && l.contains("5 spans")),
                "the drop is logged: " + logLines());
    }

    /** The spec's table, end to end: one failure with the code, then the receiver would succeed. */
    @ParameterizedTest
    @EnumSource(
            value = Status.Code.class,
            names = {"CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS",
                "PERMISSION_DENIED", "UNAUTHENTICATED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
                "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS"})
    void retriesExactlyTheCodesTheSpecCallsRetryable(Status.Code code) throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.failNext(1, code);
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        TestRequest request = request(otlpRequest(2));

        exporter.export(request);

        request.await(WAIT);
        boolean retryable = switch (code) {
            case CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS -> true;
            default -> false;
        };
        assertEquals(retryable, request.succeeded(), code + " retried?");
        assertEquals(retryable ? 1 : 0, request.retries());
        assertEquals(retryable ? 2 : 0, receiver.spanCount());
    }

    @Test
    void retriesStopAtMaxAttempts() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.failNext(10, Status.Code.UNAVAILABLE);
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .retryPolicy(RetryPolicy.builder().initialBackoff(Duration.ofMillis(5)).maxAttempts(3).build())
                .build());
        TestRequest request = request(otlpRequest(4));

        exporter.export(request);

        request.await(WAIT);
        assertEquals(DropReason.EXPORT_FAILED, request.failure());
        assertEquals(2, request.retries());
        assertEquals(3, receiver.callCount());
        assertTrue(logLines().stream().anyMatch(l -> l.contains("gave up after 3 attempts")), logLines().toString());
    }

    @Test
    void aRetryDelayBeyondTheRetryBudgetDropsAtOnce() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.failNext(1, Status.Code.UNAVAILABLE, Duration.ofSeconds(30));
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .retryPolicy(RetryPolicy.builder().maxElapsed(Duration.ofSeconds(2)).build())
                .build());
        TestRequest request = request(otlpRequest(4));

        long start = System.nanoTime();
        exporter.export(request);

        request.await(WAIT);
        assertEquals(DropReason.EXPORT_FAILED, request.failure());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "did not wait out the 30 s");
        assertEquals(0, request.retries());
    }

    @Test
    void aSlowReceiverHitsTheDeadlineAndTheRequestIsRetried() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.delayNext(1, Duration.ofSeconds(4));
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .timeout(Duration.ofSeconds(1))
                .retryPolicy(FAST_RETRIES)
                .build());
        ExportTraceServiceRequest message = otlpRequest(8);
        TestRequest request = request(message);

        exporter.export(request);

        request.await(WAIT);
        assertTrue(request.succeeded());
        assertTrue(request.retries() >= 1);
        assertEquals(List.of(message), receiver.requests(), "the late first attempt was not counted as received");
    }

    @Test
    void partialSuccessCountsRejectedSpansAndIsNotRetried() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.partialSuccessNext(1, 3, "3 spans too old");
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        TestRequest request = request(otlpRequest(10));

        exporter.export(request);

        request.await(WAIT);
        assertEquals(3, request.rejectedSpans());
        assertNull(request.failure());
        assertEquals(0, request.retries());
        assertEquals(1, receiver.callCount());
        assertTrue(logLines().stream().anyMatch(l -> l.contains("rejected 3 of 10 spans: 3 spans too old")),
                logLines().toString());
    }

    @Test
    void partialSuccessMessagesAreRateLimited() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.partialSuccessNext(20, 1, "one bad span");
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        for (int i = 0; i < 20; i++) {
            TestRequest request = request(otlpRequest(2));
            exporter.export(request);
            assertEquals(1, request.await(WAIT).rejectedSpans());
        }
        assertEquals(1, logLines().stream().filter(l -> l.contains("one bad span")).count(), logLines().toString());
    }

    @Test
    void theChannelConnectsAtBuildBeforeTheFirstExport() {
        OtlpReceiver receiver = startReceiver();
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        // channelState() never starts a connection itself: READY here was started by build()
        Await.until("connected without an export", WAIT, () -> exporter.channelState() == ConnectivityState.READY);
        assertTrue(receiver.requests().isEmpty(), "nothing was sent to connect");
    }

    @Test
    void theReceiverNotUpYetIsWaitedFor() throws InterruptedException {
        OtlpReceiver receiver = track(OtlpReceiver.builder().build());
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        ExportTraceServiceRequest message = otlpRequest(6);
        TestRequest request = request(message);

        exporter.export(request);
        // What must happen before the receiver comes up: the exporter tries its port and is refused
        // (the channel reports TRANSIENT_FAILURE) while the request is outstanding. Polled against a
        // deadline, not slept on: the state lasts for the reconnect backoff, about a second.
        boolean refused = false;
        long until = System.nanoTime() + WAIT.toNanos();
        while (!refused && !request.isCompleted() && System.nanoTime() - until < 0) {
            refused = exporter.channelState() == ConnectivityState.TRANSIENT_FAILURE;
            Thread.sleep(1);
        }
        assertTrue(refused, "the exporter never tried the receiver's port");
        assertFalse(request.isCompleted(), "a refused connection completed the request");
        receiver.startServing();

        request.await(WAIT);
        assertTrue(request.succeeded());
        assertEquals(0, request.retries(), "the call waits for the connection: it neither fails nor retries");
        assertEquals(List.of(message), receiver.requests());
    }

    @Test
    void killedAndRestartedReceiverLosesNothing() throws InterruptedException {
        OtlpReceiver receiver = track(OtlpReceiver.builder().start());
        receiver.responseDelay(Duration.ofMillis(20));
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        List<TestRequest> requests = new ArrayList<>();
        List<ExportTraceServiceRequest> sent = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            sent.add(otlpRequest(5));
            requests.add(request(sent.get(i)));
        }
        for (int i = 0; i < 40; i++) {
            exporter.export(requests.get(i));
            if (i == 15) {
                receiver.stop(); // kill mid-stream, with calls in flight
            }
            if (i == 25) {
                receiver.startServing();
            }
        }
        for (TestRequest request : requests) {
            request.await(WAIT);
            assertTrue(request.succeeded(), "dropped: " + request.failure());
        }
        List<ExportTraceServiceRequest> received = receiver.requests();
        assertTrue(received.containsAll(sent), "every request arrived");
        // OTLP delivery is at-least-once: a request whose answer died with the connection is sent
        // again. The receiver only records requests it answered while the call was still alive.
        // At most the calls in flight when it died (maxInFlight = 4) can be duplicated.
        assertTrue(received.size() - sent.size() <= 4, "duplicates: " + (received.size() - sent.size()));
    }

    @Test
    void exportAfterShutdownIsCompletedAsShutdown() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        exporter.shutdown(System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
        TestRequest request = request(otlpRequest(1));

        exporter.export(request);

        assertEquals(DropReason.SHUTDOWN, request.await(WAIT).failure());
        assertEquals(0, exporterThreads());
    }

    @Test
    void shutdownFinishesInFlightAndWaitingRequestsBeforeItsDeadline() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.responseDelay(Duration.ofMillis(50));
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint()).maxInFlight(1).retryPolicy(FAST_RETRIES).build());
        List<TestRequest> requests = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            requests.add(request(otlpRequest(2)));
            exporter.export(requests.get(i));
        }

        exporter.shutdown(System.nanoTime() + TimeUnit.SECONDS.toNanos(10));

        for (TestRequest request : requests) {
            assertTrue(request.succeeded());
        }
        assertEquals(12, receiver.spanCount());
        assertEquals(0, exporterThreads());
    }

    @Test
    void shutdownCutsAPendingRetryThatCouldOnlyStartAfterTheDeadline() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.failNext(1, Status.Code.UNAVAILABLE, Duration.ofSeconds(20));
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        TestRequest request = request(otlpRequest(3));
        exporter.export(request);
        assertTrue(receiver.awaitCallCount(1, WAIT));
        Await.until("the 20 s retry timer is armed", WAIT, () -> exporter.retriesPending() == 1);

        long start = System.nanoTime();
        exporter.shutdown(start + TimeUnit.SECONDS.toNanos(5));

        assertEquals(DropReason.SHUTDOWN, request.await(Duration.ofMillis(1)).failure());
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(4), "cut at once, not at the deadline");
        assertEquals(0, receiver.spanCount());
    }

    @Test
    void shutdownCancelsACallStillInFlightAtTheDeadline() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.delayNext(1, Duration.ofSeconds(10));
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint()).timeout(Duration.ofSeconds(20)).build());
        TestRequest request = request(otlpRequest(3));
        exporter.export(request);
        assertTrue(receiver.awaitCallCount(1, WAIT));

        long start = System.nanoTime();
        exporter.shutdown(start + TimeUnit.MILLISECONDS.toNanos(300));

        long took = System.nanoTime() - start;
        assertEquals(DropReason.SHUTDOWN, request.await(Duration.ofMillis(1)).failure());
        assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(300), "waited for the deadline");
        assertTrue(took < TimeUnit.SECONDS.toNanos(5), "but not for the slow receiver: " + took / 1_000_000 + " ms");
        assertEquals(0, exporterThreads());
    }

    @Test
    void headersArriveAndTheirValuesNeverShowInLogs() throws InterruptedException {
        String secret = "Bearer s3cr3t-t0k3n";
        OtlpReceiver receiver = startReceiver();
        receiver.failNext(1, Status.Code.UNAVAILABLE)
                .failNext(1, Status.Code.INVALID_ARGUMENT)
                .partialSuccessNext(1, 1, "rejected one");
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .addHeader("Authorization", secret)
                .addHeader("x-tenant", "acme")
                .retryPolicy(RetryPolicy.none())
                .build());

        for (int i = 0; i < 3; i++) {
            exporter.export(request(otlpRequest(2)));
        }
        assertTrue(receiver.awaitCallCount(3, WAIT));
        exporter.shutdown(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));

        Metadata headers = receiver.lastHeaders();
        assertEquals(secret, headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)));
        assertEquals("acme", headers.get(Metadata.Key.of("x-tenant", Metadata.ASCII_STRING_MARSHALLER)));
        assertFalse(logLines().isEmpty(), "failures were logged");
        assertTrue(logLines().stream().noneMatch(l -> l.contains("s3cr3t")), logLines().toString());
        assertFalse(exporter.toString().contains("s3cr3t"));
    }

    @Test
    void gzipCompressedRequestsArriveIntact() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint()).compression("gzip").build());
        ExportTraceServiceRequest message = otlpRequest(300);
        TestRequest request = request(message);

        exporter.export(request);

        assertTrue(request.await(WAIT).succeeded());
        assertEquals(List.of(message), receiver.requests());
        assertEquals("gzip", receiver.lastHeaders().get(Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER)));
    }

    @Test
    void receiverTextReachesTheLogCutAndOnOneLine() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        receiver.partialSuccessNext(1, 1, "y".repeat(100_000) + "\nFORGED: all good");
        OtlpGrpcSpanExporter exporter = exporterTo(receiver);
        exporter.export(request(otlpRequest(2)));
        RawReplyServer failing = closeAfterTest(RawReplyServer.start()
                .reply(Status.INVALID_ARGUMENT.withDescription("z".repeat(6_000) + "\nFORGED: all good")));
        OtlpGrpcSpanExporter failingExporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(failing.endpoint()).retryPolicy(FAST_RETRIES).build());
        TestRequest refused = request(otlpRequest(2));
        failingExporter.export(refused);
        assertEquals(DropReason.EXPORT_FAILED, refused.await(WAIT).failure());
        exporter.shutdown(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));

        String rejection = logLines().stream().filter(l -> l.contains("rejected 1 of 2 spans")).findFirst().orElseThrow();
        String failure = logLines().stream().filter(l -> l.contains("INVALID_ARGUMENT")).findFirst().orElseThrow();
        for (String line : List.of(rejection, failure)) {
            assertTrue(line.length() < ReceiverText.MAX_CHARS + 400, "cut to about 1 KiB: " + line.length() + " chars");
            assertTrue(line.contains("more characters cut") || line.contains("more bytes cut"), line);
            assertFalse(line.contains("\n"), "one line: a receiver cannot forge log lines");
        }
    }

    @Test
    void anExportThatThrowsHasTakenNothing() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint()).maxInFlight(1).retryPolicy(FAST_RETRIES).build());
        UnreadableRequest unreadable = new UnreadableRequest(new IllegalStateException("payload already released"));
        UnreadableRequest noPayload = new UnreadableRequest(null);

        assertThrows(IllegalStateException.class, () -> exporter.export(unreadable));
        assertEquals(0, exporter.inFlightRequests(), "no slot kept for a request it threw back");
        assertEquals(0, exporter.waitingRequests());
        assertThrows(NullPointerException.class, () -> exporter.export(noPayload));
        assertEquals(0, exporter.inFlightRequests());
        assertEquals(0, exporter.waitingRequests(), "nor a place in the waiting list");
        assertEquals(0, unreadable.completions.get(), "thrown back, so never completed by the exporter");
        assertEquals(0, noPayload.completions.get());
        TestRequest next = request(otlpRequest(3));
        exporter.export(next);
        assertTrue(next.await(WAIT).succeeded(), "the only slot is still there");
        assertEquals(3, receiver.spanCount());
    }

    /** A request whose payload cannot be read: {@code payload()} throws, or returns null. */
    private static final class UnreadableRequest implements ExportRequest {
        private final RuntimeException thrown;
        final AtomicInteger completions = new AtomicInteger();

        UnreadableRequest(RuntimeException thrown) {
            this.thrown = thrown;
        }

        @Override
        public Bytes<?> payload() {
            if (thrown != null) {
                throw thrown;
            }
            return null;
        }

        @Override
        public int spanCount() {
            return 1;
        }

        @Override
        public void retrying() {}

        @Override
        public void succeeded(long rejectedSpans) {
            completions.incrementAndGet();
        }

        @Override
        public void failed(DropReason reason) {
            completions.incrementAndGet();
        }
    }
}
