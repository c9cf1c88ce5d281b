package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.testkit.OtlpHttpReceiver;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The HTTP client chosen by measurement: bytes allocated per request on the export path's threads by
 * the JDK's {@code java.net.http.HttpClient}, OkHttp 5 (the OpenTelemetry SDK sender's client, as a
 * test-only transport written to allocate least) and ringtrace's socket client, each through the
 * same export stage to the same count-only receiver, at 512, 4096 and 16,384 spans per request (the
 * method of {@link TransportAllocationTest}). Prints the three rows; asserts the order the choice
 * rests on: the socket client allocates less than a tenth of either library client.
 *
 * <pre>
 * mvn -B -q -o -pl exporter -am verify -Dtest=HttpClientAllocationTest -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class HttpClientAllocationTest extends ExporterTestBase {

    @Test
    void theSocketClientAllocatesAFractionOfTheLibraryClients() throws Exception {
        OtlpHttpReceiver receiver = closeAfterTest(OtlpHttpReceiver.builder().countOnly().start());

        OtlpHttpSpanExporter jdk = track(OtlpHttpSpanExporter.builder().endpoint(receiver.tracesUrl())
                .client(OtlpHttpSpanExporterBuilder.Client.JDK).retryPolicy(FAST_RETRIES).build());
        long[] jdkBytes = TransportAllocationTest.measure(this, "jdk", jdk, name -> name.startsWith("ringtrace-otlp-http") || name.startsWith("HttpClient-"), 2);
        jdk.shutdown(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));

        OkHttpTestExporter okHttp = new OkHttpTestExporter(receiver.tracesUrl(), 4, FAST_RETRIES);
        long[] okHttpBytes;
        try {
            okHttpBytes = TransportAllocationTest.measure(this, "okhttp", okHttp, name -> name.startsWith("ringtrace-otlp-okhttp") || name.startsWith("OkHttp"), 2);
        } finally {
            okHttp.shutdown(System.nanoTime() + TimeUnit.SECONDS.toNanos(2));
        }

        OtlpHttpSpanExporter socket = track(OtlpHttpSpanExporter.builder().endpoint(receiver.tracesUrl())
                .client(OtlpHttpSpanExporterBuilder.Client.SOCKET).retryPolicy(FAST_RETRIES).build());
        long[] socketBytes = TransportAllocationTest.measure(this, "socket", socket, name -> name.startsWith("ringtrace-otlp-http"), 5);

        TransportAllocationTest.report("OTLP/HTTP JDK HttpClient", jdkBytes);
        TransportAllocationTest.report("OTLP/HTTP OkHttp 5.5.1", okHttpBytes);
        TransportAllocationTest.report("OTLP/HTTP socket client", socketBytes);
        for (int i = 0; i < TransportAllocationTest.SPANS_PER_REQUEST.length; i++) {
            assertTrue(socketBytes[i] * 10 < Math.min(jdkBytes[i], okHttpBytes[i]),
                    "at " + TransportAllocationTest.SPANS_PER_REQUEST[i] + " spans: socket " + socketBytes[i] + " B, JDK " + jdkBytes[i]
                            + " B, OkHttp " + okHttpBytes[i] + " B per request");
        }
    }
}
