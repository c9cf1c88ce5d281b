package io.ringtrace.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.ringtrace.bench.ChronicleFlags;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The receiver JVM the load tool forks for real runs (the smoke mode keeps it in process): over
 * HTTP it serves the traces URL, counts the spans and the log records it decoded, and obeys stop
 * and start on the same port.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReceiverProcessTest {

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void forkedHttpReceiverCountsStopsAndStartsAgain() throws Exception {
        List<String> jvmArgs = new ArrayList<>(ChronicleFlags.all());
        jvmArgs.add("-Xmx128m");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (ReceiverProcess receiver = new ReceiverProcess(java, System.getProperty("java.class.path"), jvmArgs,
                RunSpec.TRANSPORT_HTTP)) {
            assertTrue(receiver.endpoint().matches("http://127\\.0\\.0\\.1:\\d+/v1/traces"), receiver.endpoint());
            assertEquals(0, receiver.spanCount());

            assertEquals(200, post(receiver.endpoint(), 3));
            assertEquals(3, receiver.spanCount());

            receiver.stop();
            assertThrows(IOException.class, () -> post(receiver.endpoint(), 1), "nothing listens while stopped");
            receiver.start();
            assertEquals(200, post(receiver.endpoint(), 2));
            assertEquals(5, receiver.spanCount());

            assertEquals(0, receiver.logRecordCount());
            assertEquals(200, postLogs(receiver.endpoint().replace("/v1/traces", "/v1/logs"), 4));
            assertEquals(4, receiver.logRecordCount(), "log records are counted apart from spans");
            assertEquals(5, receiver.spanCount());
        }
    }

    private int postLogs(String url, int records) throws IOException, InterruptedException {
        ScopeLogs.Builder scope = ScopeLogs.newBuilder();
        for (int i = 0; i < records; i++) {
            scope.addLogRecords(LogRecord.newBuilder().setTimeUnixNano(1_000L + i)
                    .setBody(AnyValue.newBuilder().setStringValue("record-" + i)));
        }
        return send(url, ExportLogsServiceRequest.newBuilder()
                .addResourceLogs(ResourceLogs.newBuilder().addScopeLogs(scope)).build().toByteArray());
    }

    private int post(String url, int spans) throws IOException, InterruptedException {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder();
        for (int i = 0; i < spans; i++) {
            scope.addSpans(Span.newBuilder()
                    .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
                    .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, (byte) (i + 1)}))
                    .setName("span-" + i));
        }
        return send(url, ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(scope)).build().toByteArray());
    }

    private int send(String url, byte[] body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-protobuf")
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
