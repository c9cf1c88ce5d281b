package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.testkit.OtlpReceiver;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several collectors behind one DNS name: {@code dns:///name:port} resolves to two loopback
 * addresses (127.0.0.1 and 127.0.0.2, from the test hosts file that surefire hands the JVM with
 * {@code -Djdk.net.hosts.file}), each with its own receiver on the same port; {@code round_robin}
 * spreads the requests over both.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RoundRobinTest extends ExporterTestBase {

    static final String TWO_COLLECTORS = "collectors.ringtrace.test";

    @Test
    void dnsTargetSpreadsRequestsOverEveryResolvedCollector() throws Exception {
        assertEquals(2, InetAddress.getAllByName(TWO_COLLECTORS).length, "test hosts file in use");
        OtlpReceiver first = track(OtlpReceiver.builder().countOnly().start());
        OtlpReceiver second = track(OtlpReceiver.builder().bindAddress("127.0.0.2").port(first.port()).countOnly().start());
        OtlpGrpcSpanExporter exporter = track(OtlpGrpcSpanExporter.builder()
                .endpoint("dns:///" + TWO_COLLECTORS + ":" + first.port())
                .insecure(true)
                .retryPolicy(FAST_RETRIES)
                .build());

        // round_robin picks only READY subchannels, and the second connection may come up well
        // after the first on a loaded machine: send one request at a time until both collectors
        // have been reached (bounded), then check the split of a fresh batch.
        int warmupRequests = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (first.requestCount() == 0 || second.requestCount() == 0) {
            assertTrue(System.nanoTime() < deadline && warmupRequests < 2_000,
                    "both collectors reached: " + first.requestCount() + " / " + second.requestCount());
            TestRequest request = request(otlpRequest(2));
            exporter.export(request);
            assertTrue(request.await(Duration.ofSeconds(20)).succeeded());
            warmupRequests++;
        }
        long firstBefore = first.requestCount();
        long secondBefore = second.requestCount();

        List<TestRequest> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TestRequest request = request(otlpRequest(2));
            requests.add(request);
            exporter.export(request);
        }
        for (TestRequest request : requests) {
            assertTrue(request.await(Duration.ofSeconds(20)).succeeded());
        }

        assertEquals(2L * (warmupRequests + 40), first.spanCount() + second.spanCount(), "every span once");
        long firstShare = first.requestCount() - firstBefore;
        long secondShare = second.requestCount() - secondBefore;
        assertTrue(firstShare >= 10 && secondShare >= 10,
                "both collectors got a share of 40 once both were connected: " + firstShare + " / " + secondShare);
    }
}
