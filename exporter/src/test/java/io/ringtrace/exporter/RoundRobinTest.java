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

        List<TestRequest> requests = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TestRequest request = request(otlpRequest(2));
            requests.add(request);
            exporter.export(request);
        }
        for (TestRequest request : requests) {
            assertTrue(request.await(Duration.ofSeconds(20)).succeeded());
        }

        assertEquals(80, first.spanCount() + second.spanCount(), "every span once");
        assertTrue(first.requestCount() >= 10 && second.requestCount() >= 10,
                "both collectors got a share: " + first.requestCount() + " / " + second.requestCount());
    }
}
