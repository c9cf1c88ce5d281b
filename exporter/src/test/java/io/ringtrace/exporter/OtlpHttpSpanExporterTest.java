package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.testkit.OtlpHttpReceiver;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The OTLP/HTTP exporter against a real receiver: what goes on the wire, the spec's reply handling
 * (Retry-After in seconds and as a date, the retry budget, error bodies in the log, cut), secrets kept
 * out of the log, shutdown, and threads that stay bounded over reconnects and over rebuilt exporters.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OtlpHttpSpanExporterTest extends ExporterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private OtlpHttpReceiver receiver() {
        return closeAfterTest(OtlpHttpReceiver.start());
    }

    @Test
    void postsTheExactRequestWithTheSpecHeaders() throws InterruptedException {
        OtlpHttpReceiver receiver = receiver();
        OtlpHttpSpanExporter exporter = track(OtlpHttpSpanExporter.builder()
                .endpoint(receiver.tracesUrl()).addHeader("API-Key", "token-1").build());
        ExportTraceServiceRequest message = otlpRequest(3000); // ~500 KB: many chunks
        TestRequest request = request(message);

        exporter.export(request);

        assertTrue(request.await(WAIT).succeeded());
        assertEquals(0, request.rejectedSpans());
        assertEquals(List.of(message), receiver.requests());
        assertEquals(List.of("/v1/traces"), receiver.paths());
        assertEquals(List.of("application/x-protobuf"), receiver.headers().get(0).get("content-type"));
        assertEquals(List.of("ringtrace-otlp-exporter"), receiver.headers().get(0).get("user-agent"));
        assertEquals(List.of("token-1"), receiver.headers().get(0).get("api-key"));
    }

    @Test
    void gzipBodiesDecodeToTheSameRequest() throws InterruptedException {
        OtlpHttpReceiver receiver = receiver();
        OtlpHttpSpanExporter exporter = track(OtlpHttpSpanExporter.builder()
                .endpoint(receiver.tracesUrl()).compression("gzip").build());
        ExportTraceServiceRequest big = otlpRequest(3000);
        ExportTraceServiceRequest small = otlpRequest(1);
        TestRequest first = request(big);
        TestRequest second = request(small);

        exporter.export(first);
        exporter.export(second);

        assertTrue(first.await(WAIT).succeeded());
        assertTrue(second.await(WAIT).succeeded());
        assertEquals(2, receiver.requests().size());
        assertTrue(receiver.requests().containsAll(List.of(big, small)));
        assertEquals(List.of("gzip"), receiver.headers().get(0).get("content-encoding"));
    }

    @Test
    void retryAfterInSecondsIsHonoured() throws InterruptedException {
        OtlpHttpReceiver receiver = receiver();
        receiver.failNext(1, 429, "1");
        OtlpHttpSpanExporter exporter = httpExporterTo(receiver); // its own backoff is 10-50 ms
        TestRequest request = request(otlpRequest(5));

        long start = System.nanoTime();
        exporter.export(request);

        assertTrue(request.await(WAIT).succeeded());
        long tookMillis = (request.completedAtNanos() - start) / 1_000_000;
        assertTrue(tookMillis >= 950, "waited the receiver's Retry-After of 1 s, not the backoff: " + tookMillis + " ms");
        assertEquals(1, request.retries());
        assertEquals(5, receiver.spanCount());
    }

    @Test
    void retryAfterAsAnHttpDate() {
        String inThreeSeconds = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(3));
        long nanos = HttpTransport.retryAfterNanos(inThreeSeconds);
        assertTrue(nanos > TimeUnit.SECONDS.toNanos(1) && nanos <= TimeUnit.SECONDS.toNanos(3), "delay " + nanos);
        assertEquals(0, HttpTransport.retryAfterNanos("Wed, 21 Oct 2015 07:28:00 GMT"), "a past date: now");
        assertEquals(TimeUnit.SECONDS.toNanos(120), HttpTransport.retryAfterNanos(" 120 "));
        assertEquals(RetryableStatus.NO_RETRY_INFO, HttpTransport.retryAfterNanos("soon"));
        assertEquals(RetryableStatus.NO_RETRY_INFO, HttpTransport.retryAfterNanos(null));
    }

    @Test
    void aRetryAfterBeyondTheBudgetFailsAtOnce() throws InterruptedException {
        OtlpHttpReceiver receiver = receiver();
        receiver.failNext(1, 503, "3600");
        OtlpHttpSpanExporter exporter = httpExporterTo(receiver); // 60 s budget
        TestRequest request = request(otlpRequest(5));

        exporter.export(request);

        assertEquals(DropReason.EXPORT_FAILED, request.await(WAIT).failure());
        assertEquals(0, request.retries());
        assertTrue(logLines().stream().anyMatch(line -> line.contains("retry budget")), logLines().toString());
    }

    @Test
    void otherStatusesAreNotRetriedAndTheirStatusMessageIsLoggedCut() throws InterruptedException {
        OtlpHttpReceiver receiver = receiver();
        String longMessage = "x".repeat(5000);
        receiver.failNextWithStatus(1, 400, "invalid span: " + longMessage);
        OtlpHttpSpanExporter exporter = track(OtlpHttpSpanExporter.builder()
                .endpoint(receiver.tracesUrl()).retryPolicy(FAST_RETRIES)
                .addHeader("authorization", "Bearer very-secret-token").build());
        TestRequest request = request(otlpRequest(5));

        exporter.export(request);

        assertEquals(DropReason.EXPORT_FAILED, request.await(WAIT).failure());
        assertEquals(0, request.retries());
        assertEquals(1, receiver.callCount());
        List<String> lines = logLines();
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(lines.get(0).contains("HTTP 400: invalid span: xxx"), lines.get(0));
        assertTrue(lines.get(0).contains("more characters cut"), lines.get(0));
        assertTrue(lines.get(0).length() < 1400, "cut to 1 KiB: " + lines.get(0).length());
        assertFalse(lines.get(0).contains("very-secret-token"), lines.get(0));
    }

    @Test
    void noHeaderValueInAnyLogLine() throws InterruptedException {
        OtlpHttpReceiver receiver = receiver();
        receiver.stop(); // refused connections: every attempt fails and is logged
        OtlpHttpSpanExporter exporter = track(OtlpHttpSpanExporter.builder()
                .endpoint(receiver.tracesUrl())
                .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofMillis(10)).build())
                .addHeader("authorization", "Bearer very-secret-token").build());
        TestRequest request = request(otlpRequest(5));

        exporter.export(request);

        assertEquals(DropReason.EXPORT_FAILED, request.await(WAIT).failure());
        assertFalse(logLines().isEmpty());
        assertTrue(logLines().stream().noneMatch(line -> line.contains("very-secret-token")), logLines().toString());
        assertTrue(logLines().get(0).contains("Is an OTLP/HTTP receiver listening"), logLines().get(0));
    }

    @Test
    void mtlsWithoutAClientCertificateIsRefused() throws InterruptedException {
        OtlpHttpReceiver receiver = closeAfterTest(OtlpHttpReceiver.builder().mtls().start());
        OtlpHttpSpanExporter exporter = track(OtlpHttpSpanExporter.builder()
                .endpoint(receiver.tracesUrl())
                .trustedCertificates(receiver.certificates().caCertificate())
                .retryPolicy(RetryPolicy.builder().maxAttempts(2).initialBackoff(Duration.ofMillis(10)).build())
                .build());
        TestRequest request = request(otlpRequest(2));

        exporter.export(request);

        assertEquals(DropReason.EXPORT_FAILED, request.await(WAIT).failure());
        assertEquals(0, receiver.spanCount());
    }

    @Test
    void aReplyOverTheLimitStillCountsAsDelivered() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress("127.0.0.1", 0), 8);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        server.createContext("/v1/traces", exchange -> {
            calls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            byte[] huge = new byte[OtlpHttpSpanExporter.MAX_REPLY_BYTES + 4096];
            exchange.sendResponseHeaders(200, huge.length);
            try (java.io.OutputStream out = exchange.getResponseBody()) {
                out.write(huge);
            }
        });
        server.start();
        try {
            OtlpHttpSpanExporter exporter = track(OtlpHttpSpanExporter.builder()
                    .endpoint("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces")
                    .retryPolicy(FAST_RETRIES).build());
            TestRequest request = request(otlpRequest(2));

            exporter.export(request);

            assertTrue(request.await(WAIT).succeeded());
            assertEquals(0, request.rejectedSpans());
            assertEquals(1, calls.get(), "never sent again");
            assertTrue(logLines().stream().anyMatch(line -> line.contains("larger than")), logLines().toString());
        } finally {
            server.stop(0);
        }
    }

    @Test
    void shutdownCutsWhatIsStillInFlightAtItsDeadline() throws InterruptedException {
        OtlpHttpReceiver receiver = receiver();
        receiver.delayNext(1, Duration.ofSeconds(5));
        OtlpHttpSpanExporter exporter = httpExporterTo(receiver);
        TestRequest slow = request(otlpRequest(5));
        exporter.export(slow);
        Await.until("the slow request at the receiver", WAIT, () -> receiver.callCount() == 1); // in flight

        long start = System.nanoTime();
        exporter.shutdown(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertEquals(DropReason.SHUTDOWN, slow.await(Duration.ofSeconds(1)).failure());
        assertEquals(1, slow.completions());
        assertTrue(tookMillis < 4_000, "shutdown took " + tookMillis + " ms");
        TestRequest late = request(otlpRequest(1));
        exporter.export(late);
        assertEquals(DropReason.SHUTDOWN, late.await(Duration.ofSeconds(1)).failure());
    }

    @Test
    void rebuiltExportersLeaveNoThreadBehind() throws InterruptedException {
        OtlpHttpReceiver receiver = receiver();
        for (int i = 0; i < 20; i++) {
            OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().endpoint(receiver.tracesUrl()).build();
            exportAndAwait(exporter, 1);
            exporter.shutdown(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
            assertEquals(0, exporterThreads(), "shutdown joins the exporter's threads");
        }
        // The JDK client's selector thread ends once its client is unreachable (JDK 17) or at once
        // (shutdownNow, JDK 21+): collect, and give it its selector timeout to notice.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        long selectors;
        do {
            System.gc();
            Thread.sleep(200);
            selectors = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.isAlive() && t.getName().startsWith("HttpClient-") && t.getName().endsWith("SelectorManager"))
                    .count();
        } while (selectors > 2 && System.nanoTime() < deadline);
        assertTrue(selectors <= 2, "selector threads of 20 shut-down exporters: " + selectors);
        assertEquals(20, receiver.spanCount());
    }

    private void exportAndAwait(OtlpHttpSpanExporter exporter, int spans) throws InterruptedException {
        TestRequest request = request(otlpRequest(spans));
        exporter.export(request);
        assertTrue(request.await(WAIT).succeeded());
    }
}
