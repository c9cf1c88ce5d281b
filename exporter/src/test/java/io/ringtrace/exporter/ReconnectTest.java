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
 * while requests wait (once a second, and when a retry is due). The outage is bounded and shorter than
 * a production one of 20 s, to keep the test short: the receiver stays down until the waiting request
 * has failed twice (10-15 s, by then gRPC's own backoff is past 5 s), then serves the same port again.
 * The first success must come within {@value #MAX_MILLIS_AFTER_RETURN} ms of the return (about a
 * second: the reset's period plus a connect; 7 s without the reset).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ReconnectTest extends ExporterTestBase {

    static final long MAX_MILLIS_AFTER_RETURN = 1_500;

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
        // with each failed connect) has grown well past the bound the first success must come within
        Await.until(() -> "2 retries while the receiver is down, seen " + waiting.retries(), Duration.ofSeconds(60),
                () -> waiting.retries() >= 2);
        long restartNanos = System.nanoTime();
        receiver.startServing();

        assertTrue(waiting.await(Duration.ofSeconds(40)).succeeded());
        long millis = (waiting.completedAtNanos() - restartNanos) / 1_000_000;
        System.out.println("first success " + millis + " ms after the receiver's return");
        assertTrue(millis < MAX_MILLIS_AFTER_RETURN, "first success " + millis + " ms after the receiver's return");
    }
}
