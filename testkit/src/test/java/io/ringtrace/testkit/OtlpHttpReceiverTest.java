package io.ringtrace.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Drives {@link OtlpHttpReceiver} with the JDK's HTTP client over loopback: the shared recording and
 * scripting of {@link RecordingReceiver} seen through the HTTP transport, and its HTTP-only faults.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OtlpHttpReceiverTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpResponse<byte[]> post(OtlpHttpReceiver receiver, int spans) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(receiver.tracesUrl()))
                .header("Content-Type", "application/x-protobuf")
                .header("x-token", "secret-1")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(OtlpReceiverTest.request(spans).toByteArray()))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void recordsDecodedRequestsHeadersAndPaths() throws Exception {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
            HttpResponse<byte[]> response = post(receiver, 3);

            assertEquals(200, response.statusCode());
            assertFalse(ExportTraceServiceResponse.parseFrom(response.body()).hasPartialSuccess());
            assertEquals(3, receiver.spanCount());
            assertEquals(1, receiver.requestCount());
            assertEquals(3, receiver.spans().size());
            assertEquals("span-2", receiver.spans().get(2).getName());
            assertEquals(List.of("/v1/traces"), receiver.paths());
            assertEquals(List.of("secret-1"), receiver.lastHeaders().get("x-token"));
            assertEquals(receiver.lastHeaders(), receiver.headers().get(0));

            receiver.clear();
            assertEquals(0, receiver.spanCount());
            assertTrue(receiver.requests().isEmpty() && receiver.paths().isEmpty());
        }
    }

    @Test
    void scriptedAnswersComeInOrderThenSuccess() throws Exception {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
            receiver.failNext(1, 429, "2")
                    .failNextWithStatus(1, 400, "bad spans")
                    .partialSuccessNext(1, 5, "too old")
                    .unparseableReplyNext(1)
                    .resetNext(1);

            HttpResponse<byte[]> throttled = post(receiver, 1);
            assertEquals(429, throttled.statusCode());
            assertEquals("2", throttled.headers().firstValue("Retry-After").orElseThrow());
            HttpResponse<byte[]> rejected = post(receiver, 1);
            assertEquals(400, rejected.statusCode());
            assertEquals("bad spans", com.google.rpc.Status.parseFrom(rejected.body()).getMessage());
            ExportTraceServiceResponse partial = ExportTraceServiceResponse.parseFrom(post(receiver, 2).body());
            assertEquals(2, partial.getPartialSuccess().getRejectedSpans(), "capped at the request's spans");
            assertEquals("too old", partial.getPartialSuccess().getErrorMessage());
            HttpResponse<byte[]> unparseable = post(receiver, 1);
            assertEquals(200, unparseable.statusCode());
            assertThrows(Exception.class, () -> ExportTraceServiceResponse.parseFrom(unparseable.body()));
            assertThrows(IOException.class, () -> post(receiver, 1), "closed without a reply");
            assertEquals(200, post(receiver, 4).statusCode(), "the script is used up");

            assertEquals(6, receiver.callCount());
            assertEquals(3, receiver.failedCallCount(), "429, 400 and the reset");
            assertEquals(3, receiver.requestCount(), "partial success, unparseable reply, success");
            assertEquals(7, receiver.spanCount());
            assertEquals(2, receiver.rejectedSpanCount());
        }
    }

    @Test
    void responseDelayHoldsEveryUnscriptedAnswerUntilCleared() throws Exception {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
            receiver.responseDelay(Duration.ofMillis(300));
            long start = System.nanoTime();
            assertEquals(200, post(receiver, 1).statusCode());
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "answered before the delay");

            receiver.clearScript();
            receiver.failNext(1, 503);
            receiver.clearScript();
            assertEquals(200, post(receiver, 1).statusCode(), "the cleared script holds nothing");
            assertTrue(receiver.awaitSpanCount(2, Duration.ofSeconds(5)));
            assertFalse(receiver.awaitSpanCount(3, Duration.ofMillis(50)));
        }
    }

    @Test
    void countOnlyKeepsCountersButNoRequests() throws Exception {
        try (OtlpHttpReceiver receiver = OtlpHttpReceiver.builder().countOnly().start()) {
            post(receiver, 2);
            post(receiver, 3);
            assertEquals(5, receiver.spanCount());
            assertEquals(2, receiver.callCount());
            assertTrue(receiver.requests().isEmpty() && receiver.headers().isEmpty() && receiver.paths().isEmpty());
            assertEquals(List.of("secret-1"), receiver.lastHeaders().get("x-token"));
        }
    }

    @Test
    void stopsAndRestartsOnTheSamePortAndCloseEndsItsThreads() throws Exception {
        OtlpHttpReceiver receiver = OtlpHttpReceiver.builder().build();
        int port = receiver.port();
        assertFalse(receiver.isRunning());
        receiver.startServing().startServing(); // the second call is a no-op
        assertEquals(200, post(receiver, 1).statusCode());

        receiver.stop();
        assertFalse(receiver.isRunning());
        assertThrows(IOException.class, () -> post(receiver, 1), "nothing listens");

        receiver.startServing();
        assertEquals(port, receiver.port());
        assertEquals(200, post(receiver, 1).statusCode());
        assertEquals(2, receiver.spanCount());

        receiver.close();
        receiver.close();
        assertThrows(IllegalStateException.class, receiver::startServing);
        assertEquals(0, Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("otlp-http-receiver")).count());
    }
}
