package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.ringtrace.testkit.OtlpReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * Shared plumbing for the exporter's tests: OTLP requests made with the official classes and copied
 * into off-heap Chronicle buffers (what the engine's serializer hands over), exporters and receivers
 * that are always closed, captured log output, and checks that no off-heap buffer and no exporter
 * thread is left behind.
 */
abstract class ExporterTestBase {

    /** Retries fast enough for tests, with the spec's rules unchanged. */
    static final RetryPolicy FAST_RETRIES = RetryPolicy.builder()
            .initialBackoff(Duration.ofMillis(10))
            .maxBackoff(Duration.ofMillis(50))
            .maxAttempts(5)
            .build();

    private static final AtomicLong SPAN_IDS = new AtomicLong(1);

    private final List<Bytes<?>> buffers = new ArrayList<>();
    private final List<OtlpGrpcSpanExporter> exporters = new ArrayList<>();
    private final List<OtlpReceiver> receivers = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<String> logLines = new ArrayList<>();
    private final Logger julLogger = Logger.getLogger(OtlpGrpcSpanExporter.class.getName());
    private final Logger httpJulLogger = Logger.getLogger(OtlpHttpSpanExporter.class.getName());
    private final List<OtlpHttpSpanExporter> httpExporters = new ArrayList<>();
    private final Handler logCapture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            synchronized (logLines) {
                logLines.add(record.getMessage() + (record.getThrown() == null ? "" : " " + record.getThrown()));
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @BeforeEach
    void captureLog() {
        julLogger.addHandler(logCapture);
        julLogger.setUseParentHandlers(false); // captured, not printed: keeps the build output readable
        httpJulLogger.addHandler(logCapture);
        httpJulLogger.setUseParentHandlers(false);
    }

    @AfterEach
    void closeEverything() throws InterruptedException {
        julLogger.removeHandler(logCapture);
        julLogger.setUseParentHandlers(true);
        httpJulLogger.removeHandler(logCapture);
        httpJulLogger.setUseParentHandlers(true);
        for (OtlpHttpSpanExporter exporter : httpExporters) {
            exporter.shutdown(System.nanoTime() + Duration.ofSeconds(2).toNanos());
        }
        for (OtlpGrpcSpanExporter exporter : exporters) {
            exporter.shutdown(System.nanoTime() + Duration.ofSeconds(2).toNanos());
        }
        for (OtlpReceiver receiver : receivers) {
            receiver.close();
        }
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                throw new AssertionError("closing " + closeable + " failed", e);
            }
        }
        for (Bytes<?> buffer : buffers) {
            buffer.releaseLast();
        }
        for (Bytes<?> buffer : buffers) {
            assertEquals(0, buffer.refCount(), "off-heap buffer leaked");
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (exporterThreads() > 0) {
            if (System.nanoTime() > deadline) {
                fail("exporter threads left running: " + exporterThreadNames());
            }
            Thread.sleep(20);
        }
    }

    OtlpReceiver track(OtlpReceiver receiver) {
        receivers.add(receiver);
        return receiver;
    }

    /** Closes {@code closeable} after the test, after the exporters are shut down. */
    <T extends AutoCloseable> T closeAfterTest(T closeable) {
        closeables.add(closeable);
        return closeable;
    }

    OtlpHttpSpanExporter track(OtlpHttpSpanExporter exporter) {
        httpExporters.add(exporter);
        return exporter;
    }

    /** An OTLP/HTTP exporter to {@code receiver}'s traces URL with fast retries. */
    OtlpHttpSpanExporter httpExporterTo(io.ringtrace.testkit.OtlpHttpReceiver receiver) {
        return track(OtlpHttpSpanExporter.builder()
                .endpoint(receiver.tracesUrl())
                .retryPolicy(FAST_RETRIES)
                .build());
    }

    OtlpReceiver startReceiver() {
        return track(OtlpReceiver.start());
    }

    OtlpGrpcSpanExporter track(OtlpGrpcSpanExporter exporter) {
        exporters.add(exporter);
        return exporter;
    }

    /**
     * An exporter to {@code receiver} with fast retries. Attempts keep the default 10 s deadline: on
     * a loaded 2-core machine a short one can expire before a call even reaches the receiver and
     * turn into a retry the test did not script. Tests about deadlines set their own.
     */
    OtlpGrpcSpanExporter exporterTo(OtlpReceiver receiver) {
        return track(OtlpGrpcSpanExporter.builder()
                .endpoint(receiver.endpoint())
                .retryPolicy(FAST_RETRIES)
                .build());
    }

    List<String> logLines() {
        synchronized (logLines) {
            return new ArrayList<>(logLines);
        }
    }

    /** A request of {@code spans} spans, each with a few attributes, as protobuf-java builds it. */
    static ExportTraceServiceRequest otlpRequest(int spans) {
        ScopeSpans.Builder scope = ScopeSpans.newBuilder()
                .setScope(InstrumentationScope.newBuilder().setName("ringtrace-test").setVersion("1.0"));
        for (int i = 0; i < spans; i++) {
            long spanId = SPAN_IDS.getAndIncrement();
            scope.addSpans(Span.newBuilder()
                    .setTraceId(ByteString.copyFrom(longBytes(0x0102030405060708L, spanId)))
                    .setSpanId(ByteString.copyFrom(longBytes(spanId)))
                    .setName("GET /orders/{id}")
                    .setKind(Span.SpanKind.SPAN_KIND_SERVER)
                    .setStartTimeUnixNano(1_700_000_000_000_000_000L + spanId)
                    .setEndTimeUnixNano(1_700_000_000_000_500_000L + spanId)
                    .addAttributes(attribute("http.route", "/orders/{id}"))
                    .addAttributes(KeyValue.newBuilder().setKey("http.status_code")
                            .setValue(AnyValue.newBuilder().setIntValue(200)))
                    .addAttributes(attribute("net.peer.name", "10.1.2." + (i % 250)))
                    .addAttributes(KeyValue.newBuilder().setKey("retry").setValue(AnyValue.newBuilder().setBoolValue(false))));
        }
        return ExportTraceServiceRequest.newBuilder()
                .addResourceSpans(ResourceSpans.newBuilder()
                        .setResource(Resource.newBuilder().addAttributes(attribute("service.name", "exporter-test")))
                        .addScopeSpans(scope))
                .build();
    }

    private static KeyValue attribute(String key, String value) {
        return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
    }

    private static byte[] longBytes(long... values) {
        byte[] bytes = new byte[values.length * 8];
        for (int v = 0; v < values.length; v++) {
            for (int i = 0; i < 8; i++) {
                bytes[v * 8 + i] = (byte) (values[v] >>> (56 - 8 * i));
            }
        }
        return bytes;
    }

    /**
     * Copies {@code message} into a new off-heap buffer between readPosition and readLimit, with a
     * few bytes of junk before and after it so that absolute offsets are exercised.
     */
    Bytes<?> offHeap(com.google.protobuf.MessageLite message) {
        byte[] encoded = message.toByteArray();
        Bytes<?> buffer = Bytes.allocateElasticDirect(encoded.length + 64);
        buffers.add(buffer);
        buffer.write(new byte[] {9, 9, 9});
        buffer.write(encoded);
        buffer.write(new byte[] {7, 7});
        buffer.readPosition(3);
        buffer.readLimit(3 + encoded.length);
        return buffer;
    }

    TestRequest request(ExportTraceServiceRequest message) {
        int spans = 0;
        for (ResourceSpans resourceSpans : message.getResourceSpansList()) {
            for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                spans += scopeSpans.getSpansCount();
            }
        }
        return new TestRequest(offHeap(message), spans);
    }

    static long exporterThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("ringtrace-otlp"))
                .count();
    }

    static List<String> exporterThreadNames() {
        List<String> names = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.isAlive() && thread.getName().startsWith("ringtrace-otlp")) {
                names.add(thread.getName());
            }
        }
        return names;
    }
}
