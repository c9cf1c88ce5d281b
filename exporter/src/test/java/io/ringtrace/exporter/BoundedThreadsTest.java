package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.testing.Await;
import io.ringtrace.testkit.OtlpReceiver;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The exporter's threads are fixed: reconnecting to a receiver that is killed and restarted many
 * times starts no new thread (grpc-netty's default worker group grows, a reported native-memory
 * leak in the OpenTelemetry SDK), and shutdown stops them all.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BoundedThreadsTest extends ExporterTestBase {

    @Test
    void reconnectingManyTimesKeepsTheThreadCountFlat() throws InterruptedException {
        OtlpReceiver receiver = track(OtlpReceiver.builder().countOnly().start());
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .timeout(Duration.ofSeconds(5))
                .retryPolicy(RetryPolicy.builder()
                        .initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(100)).maxAttempts(20).build())
                .build());
        exportAndAwait(exporter, 1); // connected once: the baseline includes everything steady state needs
        int baseline = ManagementFactory.getThreadMXBean().getThreadCount();

        for (int cycle = 0; cycle < 20; cycle++) {
            receiver.stop();
            if (cycle % 5 == 4) {
                // an export while the receiver is down: it fails, retries and reconnects when it is back
                TestRequest request = request(otlpRequest(2));
                exporter.export(request);
                Await.until("a retry while the receiver is down", Duration.ofSeconds(20), () -> request.retries() > 0);
                receiver.startServing();
                assertTrue(request.await(Duration.ofSeconds(20)).succeeded());
            } else {
                receiver.startServing();
                exportAndAwait(exporter, 2);
            }
        }

        int after = ManagementFactory.getThreadMXBean().getThreadCount();
        assertTrue(after <= baseline, "threads grew from " + baseline + " to " + after + ": " + threadNames());
        assertEquals(3, exporterThreads(), "one event loop, one executor and one offload thread: " + exporterThreadNames());
        assertTrue(threadNames().stream().noneMatch(n -> n.startsWith("grpc-default-worker") || n.startsWith("grpc-nio-worker")),
                "no gRPC default event loop: " + threadNames());
        assertEquals(1 + 16 * 2 + 4 * 2, receiver.spanCount());

        exporter.shutdown(System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
        assertEquals(0, exporterThreads(), "shutdown stops every exporter thread: " + exporterThreadNames());
    }

    private void exportAndAwait(OtlpGrpcSpanExporter exporter, int spans) throws InterruptedException {
        TestRequest request = request(otlpRequest(spans));
        exporter.export(request);
        assertTrue(request.await(Duration.ofSeconds(20)).succeeded());
    }

    private static List<String> threadNames() {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            names.add(thread.getName());
        }
        return names;
    }
}
