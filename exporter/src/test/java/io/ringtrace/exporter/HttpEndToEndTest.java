package io.ringtrace.exporter;

import static io.ringtrace.exporter.EndToEndTest.assertAccounting;
import static io.ringtrace.exporter.EndToEndTest.assertPublished;
import static io.ringtrace.exporter.EndToEndTest.bySpanId;
import static io.ringtrace.exporter.EndToEndTest.counts;
import static io.ringtrace.exporter.EndToEndTest.traceHigh;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.StatusCode;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.TestCertificates;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Spans published through a {@link TraceEngine} arrive over OTLP/HTTP at a real receiver (decoded
 * with the official classes) once each, equal to what was published, plain, gzip, TLS and mTLS, and
 * through every fault the receiver can script; in every case the engine's accounting holds.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpEndToEndTest extends LeakCheckingTestBase {

    private static final InstrumentationScope SCOPE = InstrumentationScope.builder("io.ringtrace.e2e").version("2.0").build();
    private static final Utf8Constant NAME = Utf8Constant.of("GET /orders/{id}");
    private static final Utf8Constant ROUTE = Utf8Constant.of("http.route");
    private static final Utf8Constant STATUS_CODE = Utf8Constant.of("http.status_code");
    private static final Utf8Constant RATIO = Utf8Constant.of("ratio");
    private static final Utf8Constant CACHED = Utf8Constant.of("cached");
    private static final Utf8Constant RETRY = Utf8Constant.of("retry");
    private static final Utf8Constant ATTEMPT = Utf8Constant.of("attempt");
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final StringBuilder route = new StringBuilder();

    private OtlpHttpReceiver receiver(OtlpHttpReceiver.Builder builder) {
        return closeAfter(builder.start());
    }

    private TraceEngine engine(OtlpHttpSpanExporterBuilder exporter, EndToEndTest.PayloadRecorder recorder) {
        return engine(exporter, recorder, Duration.ofMillis(50));
    }

    /**
     * @param linger the engine's schedule delay: tests whose faults are scripted per request use a
     *     long one, so that a batch of 100 is one request however slowly the machine publishes it
     *     (each of them seals with flush or close)
     */
    private TraceEngine engine(OtlpHttpSpanExporterBuilder exporter, EndToEndTest.PayloadRecorder recorder, Duration linger) {
        recorder.delegate = exporter.build();
        return closeAfter(EndToEndTest.engineExportingTo(recorder, linger).build());
    }

    private static OtlpHttpSpanExporterBuilder exporterTo(OtlpHttpReceiver receiver) {
        return OtlpHttpSpanExporter.builder()
                .endpoint(receiver.tracesUrl())
                .timeout(Duration.ofSeconds(10))
                .retryPolicy(RetryPolicy.builder()
                        .initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(200)).maxAttempts(10).build());
    }

    private void publish(TraceEngine engine, long firstId, long count) {
        for (long id = firstId; id < firstId + count; id++) {
            route.setLength(0);
            route.append("/orders/").append(id);
            long sequence = engine.claim();
            assertTrue(sequence >= 0, "claim failed: " + sequence);
            try {
                engine.record(sequence)
                        .scope(SCOPE)
                        .traceId(traceHigh(id), ~id)
                        .spanId(id)
                        .parentSpanId(id + 1_000_000)
                        .name(NAME)
                        .kind(SpanKind.SERVER)
                        .startEpochNanos(1_700_000_000_000_000_000L + id)
                        .endEpochNanos(1_700_000_000_000_900_000L + id)
                        .attribute(ROUTE, route)
                        .attribute(STATUS_CODE, 200L + id % 3)
                        .attribute(RATIO, 0.25)
                        .attribute(CACHED, id % 2 == 0)
                        .status(id % 5 == 0 ? StatusCode.ERROR : StatusCode.UNSET, id % 5 == 0 ? "boom" : null)
                        .addEvent(RETRY, 1_700_000_000_000_100_000L + id)
                        .eventAttributes().attribute(ATTEMPT, id % 7);
            } finally {
                engine.publish(sequence);
            }
        }
    }

    private static void assertEachArrivedOnceIntact(OtlpHttpReceiver receiver, long count) {
        Map<Long, List<Span>> received = bySpanId(receiver.requests());
        assertEquals(count, received.size(), "distinct spans received");
        for (long id = 1; id <= count; id++) {
            List<Span> copies = received.get(id);
            assertEquals(1, copies == null ? 0 : copies.size(), "copies of span " + id);
            assertPublished(id, copies.get(0));
        }
        assertEquals(count, receiver.spanCount());
    }

    private void deliversEverythingIntact(OtlpHttpReceiver receiver, OtlpHttpSpanExporterBuilder exporter) throws Exception {
        EndToEndTest.PayloadRecorder recorder = new EndToEndTest.PayloadRecorder();
        TraceEngine engine = engine(exporter, recorder);

        publish(engine, 1, 2000);
        assertTrue(engine.flush(WAIT));
        assertTrue(engine.close(WAIT));

        assertEachArrivedOnceIntact(receiver, 2000);
        assertEquals(counts(recorder.decoded()), counts(receiver.requests()),
                "the receiver got exactly the engine's requests");
        assertEquals(2000, assertAccounting(engine, 2000).exported());
        assertTrue(receiver.paths().stream().allMatch("/v1/traces"::equals), receiver.paths().toString());
    }

    @Test
    void plainText() throws Exception {
        OtlpHttpReceiver receiver = receiver(OtlpHttpReceiver.builder());
        deliversEverythingIntact(receiver, exporterTo(receiver));
        assertEquals(List.of("application/x-protobuf"), receiver.headers().get(0).get("content-type"));
    }

    @Test
    void gzip() throws Exception {
        OtlpHttpReceiver receiver = receiver(OtlpHttpReceiver.builder());
        deliversEverythingIntact(receiver, exporterTo(receiver).compression("gzip"));
        assertEquals(List.of("gzip"), receiver.headers().get(0).get("content-encoding"));
    }

    @Test
    void tls() throws Exception {
        OtlpHttpReceiver receiver = receiver(OtlpHttpReceiver.builder().tls());
        deliversEverythingIntact(receiver,
                exporterTo(receiver).trustedCertificates(receiver.certificates().caCertificate()));
    }

    @Test
    void mtlsWithGzip() throws Exception {
        OtlpHttpReceiver receiver = receiver(OtlpHttpReceiver.builder().mtls());
        TestCertificates certs = receiver.certificates();
        deliversEverythingIntact(receiver, exporterTo(receiver)
                .trustedCertificates(certs.caCertificate())
                .clientCertificate(certs.clientCertificate(), certs.clientKey())
                .compression("gzip"));
    }

    @Test
    void retryableStatusesAndResetsThenSuccess() throws Exception {
        OtlpHttpReceiver receiver = receiver(OtlpHttpReceiver.builder());
        receiver.failNext(1, 429, "0").failNext(1, 502).failNext(1, 503).failNext(1, 504).resetNext(1);
        EndToEndTest.PayloadRecorder recorder = new EndToEndTest.PayloadRecorder();
        TraceEngine engine = engine(exporterTo(receiver).maxInFlight(1), recorder);

        publish(engine, 1, 300);
        assertTrue(engine.flush(WAIT));
        assertTrue(engine.close(WAIT));

        assertEachArrivedOnceIntact(receiver, 300);
        EngineStats stats = assertAccounting(engine, 300);
        assertEquals(300, stats.exported());
        assertEquals(5, stats.retries());
        assertEquals(5, receiver.failedCallCount());
    }

    @Test
    void rejectedFailedAndUnreadableRepliesAreCountedByReason() throws Exception {
        OtlpHttpReceiver receiver = receiver(OtlpHttpReceiver.builder());
        receiver.partialSuccessNext(1, 7, "7 spans rejected")
                .failNextWithStatus(1, 400, "bad request")
                .unparseableReplyNext(1);
        EndToEndTest.PayloadRecorder recorder = new EndToEndTest.PayloadRecorder();
        TraceEngine engine = engine(exporterTo(receiver).maxInFlight(1), recorder, Duration.ofSeconds(30));

        publish(engine, 1, 100); // partially rejected
        assertTrue(engine.flush(WAIT));
        publish(engine, 101, 100); // refused with 400, not retried
        assertTrue(engine.flush(WAIT));
        publish(engine, 201, 100); // accepted, reply unreadable: delivered, never resent
        assertTrue(engine.flush(WAIT));
        publish(engine, 301, 100); // accepted
        assertTrue(engine.close(WAIT));

        EngineStats stats = assertAccounting(engine, 400);
        assertEquals(7, stats.dropped(DropReason.REJECTED), stats.toString());
        assertEquals(100, stats.dropped(DropReason.EXPORT_FAILED), stats.toString());
        assertEquals(293, stats.exported(), stats.toString());
        assertEquals(0, stats.retries(), stats.toString());
        assertEquals(4, receiver.callCount(), "nothing was sent twice");
        assertEquals(300, receiver.spanCount());
    }

    @Test
    void slowReplyPastTheTimeoutIsRetried() throws Exception {
        OtlpHttpReceiver receiver = receiver(OtlpHttpReceiver.builder());
        receiver.delayNext(1, Duration.ofMillis(1500));
        EndToEndTest.PayloadRecorder recorder = new EndToEndTest.PayloadRecorder();
        TraceEngine engine = engine(exporterTo(receiver).maxInFlight(1).timeout(Duration.ofMillis(500)), recorder);

        publish(engine, 1, 100);
        assertTrue(engine.flush(WAIT));
        assertTrue(engine.close(WAIT));

        EngineStats stats = assertAccounting(engine, 100);
        assertEquals(100, stats.exported(), stats.toString());
        assertTrue(stats.retries() >= 1, stats.toString());
        // at-least-once: the slow receiver kept the first copy, the retry delivered a second
        Map<Long, List<Span>> received = bySpanId(receiver.requests());
        assertEquals(100, received.size());
    }

    @Test
    void receiverDownThenUp() throws Exception {
        OtlpHttpReceiver receiver = receiver(OtlpHttpReceiver.builder());
        receiver.stop();
        EndToEndTest.PayloadRecorder recorder = new EndToEndTest.PayloadRecorder();
        TraceEngine engine = engine(exporterTo(receiver), recorder);

        publish(engine, 1, 500);
        EngineStats before = new EngineStats();
        Await.until(() -> "a retry against the stopped receiver: " + before, WAIT,
                () -> engine.stats(before).retries() > 0);
        assertEquals(0, before.exported(), before::toString);
        receiver.startServing();
        assertTrue(engine.flush(WAIT));
        assertTrue(engine.close(WAIT));

        assertEachArrivedOnceIntact(receiver, 500);
        assertEquals(500, assertAccounting(engine, 500).exported());
    }
}
