package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.testing.Await;
import io.ringtrace.testkit.OtlpReceiver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * After an outage the gRPC exporter's first success comes promptly once the receiver is back: gRPC's
 * own connect backoff grows towards two minutes while the receiver is away, so the exporter resets it
 * while requests wait. The receiver is down for 20 s, then serves the same port again; the time from
 * its return to the waiting request's success is bounded generously (the aim is about one second).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReconnectTest extends ExporterTestBase {

    @Test
    void theFirstSuccessComesSoonAfterTheReceiverReturns() throws InterruptedException {
        OtlpReceiver receiver = startReceiver();
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .retryPolicy(RetryPolicy.builder().maxAttempts(100).initialBackoff(Duration.ofSeconds(1))
                        .maxBackoff(Duration.ofSeconds(5)).maxElapsed(Duration.ofSeconds(60)).build())
                .build());
        TestRequest first = request(otlpRequest(1));
        exporter.export(first);
        assertTrue(first.await(Duration.ofSeconds(20)).succeeded(), "connected once");

        receiver.stop();
        TestRequest waiting = request(otlpRequest(2));
        exporter.export(waiting);
        // two failed attempts (10 s or more): by then gRPC's own connect backoff (1 s, growing 1.6x
        // with each failed connect) has grown past the 3 s the first success must come within
        Await.until(() -> "2 retries while the receiver is down, seen " + waiting.retries(), Duration.ofSeconds(60),
                () -> waiting.retries() >= 2);
        long restartNanos = System.nanoTime();
        receiver.startServing();

        assertTrue(waiting.await(Duration.ofSeconds(40)).succeeded());
        long millis = (waiting.completedAtNanos() - restartNanos) / 1_000_000;
        System.out.println("first success " + millis + " ms after the receiver's return");
        assertTrue(millis < 3_000, "first success " + millis + " ms after the receiver's return");
    }
}
