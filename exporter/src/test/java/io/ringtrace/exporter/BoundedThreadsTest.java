package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.OtlpReceiver;
import io.ringtrace.testkit.RecordingReceiver;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;

/**
 * Every transport's threads are fixed: reconnecting to a receiver that is stopped and restarted 20
 * times starts no new thread (grpc-netty's default worker group grows, a reported native-memory leak
 * in the OpenTelemetry SDK), shutdown stops them all, and the secret header value sent with every
 * request appears in no log line (a dropped request's line is checked to exist).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BoundedThreadsTest extends ExporterTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String SECRET = "s3cr3t-t0ken-value";

    @ParameterizedTest
    @ValueSource(strings = {"grpc", "http-jdk", "http-socket"})
    void twentyReconnectsKeepTheThreadCountFlatAndNoHeaderValueIsLogged(String transport) throws InterruptedException {
        RetryPolicy quickRetries = RetryPolicy.builder()
                .initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(100)).maxAttempts(20).build();
        RecordingReceiver<?, ?> receiver;
        TransportExporter exporter;
        int expectedThreads;
        if (transport.equals("grpc")) {
            OtlpReceiver grpc = track(OtlpReceiver.builder().countOnly().start());
            receiver = grpc;
            exporter = track(OtlpGrpcSpanExporter.builder().endpoint(grpc.endpoint()).addHeader("api-key", SECRET)
                    .timeout(Duration.ofSeconds(5)).retryPolicy(quickRetries).build());
            expectedThreads = 3; // one event loop, one executor, one offload thread
        } else {
            OtlpHttpReceiver http = closeAfterTest(OtlpHttpReceiver.builder().countOnly().start());
            receiver = http;
            boolean socket = transport.equals("http-socket");
            exporter = track(OtlpHttpSpanExporter.builder().endpoint(http.tracesUrl()).addHeader("api-key", SECRET)
                    .client(socket ? OtlpHttpSpanExporterBuilder.Client.SOCKET : OtlpHttpSpanExporterBuilder.Client.JDK)
                    .timeout(Duration.ofSeconds(5)).retryPolicy(quickRetries).build());
            // JDK client: two executor threads (its selector thread is not ours); socket client: one
            // executor thread and one I/O thread per in-flight slot
            expectedThreads = socket ? 1 + exporter.maxInFlight() : 2;
        }
        exportAndAwait(exporter, 1); // connected once: the baseline includes everything steady state needs
        int baseline = ManagementFactory.getThreadMXBean().getThreadCount();

        for (int cycle = 0; cycle < 20; cycle++) {
            receiver.stop();
            if (cycle % 5 == 4) {
                // an export while the receiver is down: it fails, retries and reconnects when it is back
                TestRequest request = request(otlpRequest(2));
                exporter.export(request);
                Await.until("a retry while the receiver is down", WAIT, () -> request.retries() > 0);
                receiver.startServing();
                assertTrue(request.await(WAIT).succeeded());
            } else {
                receiver.startServing();
                exportAndAwait(exporter, 2);
            }
        }
        // one request the receiver refuses for good: its drop is logged
        if (receiver instanceof OtlpReceiver) {
            ((OtlpReceiver) receiver).failNext(1, Status.Code.INVALID_ARGUMENT);
        } else {
            ((OtlpHttpReceiver) receiver).failNextWithStatus(1, 400, "refused");
        }
        TestRequest refused = request(otlpRequest(1));
        exporter.export(refused);
        assertEquals(io.ringtrace.engine.export.DropReason.EXPORT_FAILED, refused.await(WAIT).failure());

        // a stopped receiver's server threads take a moment to end
        long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        int after = ManagementFactory.getThreadMXBean().getThreadCount();
        while (after > baseline && System.nanoTime() < settle) {
            Thread.sleep(50);
            after = ManagementFactory.getThreadMXBean().getThreadCount();
        }
        assertTrue(after <= baseline, "threads grew from " + baseline + " to " + after + ": " + threadNames());
        assertEquals(expectedThreads, exporterThreads(), exporterThreadNames().toString());
        assertTrue(threadNames().stream().noneMatch(n -> n.startsWith("grpc-default-worker") || n.startsWith("grpc-nio-worker")),
                "no gRPC default event loop: " + threadNames());
        assertEquals(1 + 16 * 2 + 4 * 2, receiver.spanCount());
        List<String> log = logLines();
        assertFalse(log.isEmpty(), "the refused request's drop was logged");
        assertTrue(log.stream().noneMatch(line -> line.contains(SECRET)), "a header value reached the log: " + log);

        exporter.shutdown(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        assertEquals(0, exporterThreads(), "shutdown stops every exporter thread: " + exporterThreadNames());
    }

    private void exportAndAwait(TransportExporter exporter, int spans) throws InterruptedException {
        TestRequest request = request(otlpRequest(spans));
        exporter.export(request);
        assertTrue(request.await(WAIT).succeeded());
    }

    private static List<String> threadNames() {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            names.add(thread.getName());
        }
        return names;
    }
}
