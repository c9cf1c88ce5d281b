package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Resource;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.StatusCode;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.TraceEngineBuilder;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.ExportRequest;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.testing.Await;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.testkit.OtlpHttpReceiver;
import io.ringtrace.testkit.OtlpReceiver;
import io.ringtrace.testkit.ReceiverBuilder;
import io.ringtrace.testkit.RecordingReceiver;
import io.ringtrace.testkit.TestCertificates;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import net.openhft.chronicle.bytes.Bytes;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Spans published through a {@link TraceEngine} arrive at a real OTLP receiver (decoded with the
 * official classes) once each, equal to what was published, over each transport ({@link Wire}:
 * OTLP/gRPC, and OTLP/HTTP with its default client), plain, gzip, TLS and mTLS, and through the
 * faults each receiver can script; in every case the engine's accounting holds:
 * {@code published = exported + dropped(by reason)} with nothing in flight once the engine is closed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransportEndToEndTest extends LeakCheckingTestBase {

    private static final InstrumentationScope SCOPE = InstrumentationScope.builder("io.ringtrace.e2e").version("2.0").build();
    private static final Utf8Constant NAME = Utf8Constant.of("GET /orders/{id}");
    private static final Utf8Constant ROUTE = Utf8Constant.of("http.route");
    private static final Utf8Constant STATUS_CODE = Utf8Constant.of("http.status_code");
    private static final Utf8Constant RATIO = Utf8Constant.of("ratio");
    private static final Utf8Constant CACHED = Utf8Constant.of("cached");
    private static final Utf8Constant RETRY = Utf8Constant.of("retry");
    private static final Utf8Constant ATTEMPT = Utf8Constant.of("attempt");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final RetryPolicy RETRIES = RetryPolicy.builder()
            .initialBackoff(Duration.ofMillis(20)).maxBackoff(Duration.ofMillis(200)).maxAttempts(10).build();

    /** A transport under test: its receiver, its exporter, and how its receiver scripts a fault. */
    enum Wire {
        GRPC {
            @Override
            ReceiverBuilder<?, ?> receiverBuilder() {
                return OtlpReceiver.builder();
            }

            @Override
            SpanExporter exporter(RecordingReceiver<?, ?> receiver, UnaryOperator<OtlpExporterBuilder<?>> options) {
                return ((OtlpGrpcSpanExporterBuilder) options.apply(OtlpGrpcSpanExporter.builder()
                        .endpoint(((OtlpReceiver) receiver).endpoint()).timeout(Duration.ofSeconds(10))
                        .retryPolicy(RETRIES))).build();
            }

            @Override
            int failRetryably(RecordingReceiver<?, ?> receiver) {
                ((OtlpReceiver) receiver).failNext(3, Status.Code.UNAVAILABLE);
                return 3;
            }

            @Override
            void refuseNext(RecordingReceiver<?, ?> receiver) {
                ((OtlpReceiver) receiver).failNext(1, Status.Code.INVALID_ARGUMENT);
            }

            @Override
            boolean answerUnreadablyNext(RecordingReceiver<?, ?> receiver) {
                return false; // UnreadableReplyTest sends gRPC's unreadable replies from a raw HTTP/2 server
            }

            @Override
            String path() {
                return null;
            }
        },
        HTTP {
            @Override
            ReceiverBuilder<?, ?> receiverBuilder() {
                return OtlpHttpReceiver.builder();
            }

            @Override
            SpanExporter exporter(RecordingReceiver<?, ?> receiver, UnaryOperator<OtlpExporterBuilder<?>> options) {
                return ((OtlpHttpSpanExporterBuilder) options.apply(OtlpHttpSpanExporter.builder()
                        .endpoint(((OtlpHttpReceiver) receiver).tracesUrl()).timeout(Duration.ofSeconds(10))
                        .retryPolicy(RETRIES))).build();
            }

            @Override
            int failRetryably(RecordingReceiver<?, ?> receiver) {
                ((OtlpHttpReceiver) receiver).failNext(1, 429, "0").failNext(1, 502).failNext(1, 503).failNext(1, 504)
                        .resetNext(1);
                return 5;
            }

            @Override
            void refuseNext(RecordingReceiver<?, ?> receiver) {
                ((OtlpHttpReceiver) receiver).failNextWithStatus(1, 400, "bad request");
            }

            @Override
            boolean answerUnreadablyNext(RecordingReceiver<?, ?> receiver) {
                ((OtlpHttpReceiver) receiver).unparseableReplyNext(1);
                return true;
            }

            @Override
            String path() {
                return "/v1/traces";
            }
        };

        abstract ReceiverBuilder<?, ?> receiverBuilder();

        /** The exporter to {@code receiver}: 10 s per attempt (no case relies on a timeout but one), fast retries, then {@code options}. */
        abstract SpanExporter exporter(RecordingReceiver<?, ?> receiver, UnaryOperator<OtlpExporterBuilder<?>> options);

        /** Scripts retryable failures (every kind the transport has) for the next calls; returns how many. */
        abstract int failRetryably(RecordingReceiver<?, ?> receiver);

        /** Scripts a not-retryable refusal of the next call. */
        abstract void refuseNext(RecordingReceiver<?, ?> receiver);

        /** Scripts an unreadable 2xx/OK reply to the next call, if this receiver can; returns whether it did. */
        abstract boolean answerUnreadablyNext(RecordingReceiver<?, ?> receiver);

        /** The path every traces request must arrive on, or null where the receiver records none. */
        abstract String path();
    }

    private final StringBuilder route = new StringBuilder();

    // ------------------------------------------------------------------ plumbing

    private RecordingReceiver<?, ?> started(Wire wire, UnaryOperator<ReceiverBuilder<?, ?>> security) {
        return closeAfter(security.apply(wire.receiverBuilder()).start());
    }

    private RecordingReceiver<?, ?> started(Wire wire) {
        return started(wire, builder -> builder);
    }

    private TraceEngine engine(Wire wire, RecordingReceiver<?, ?> receiver, UnaryOperator<OtlpExporterBuilder<?>> options,
                               PayloadRecorder recorder) {
        return engine(wire, receiver, options, recorder, Duration.ofMillis(50));
    }

    /**
     * @param linger the engine's schedule delay: tests whose faults are scripted per request use a
     *     long one, so that a batch of 100 is one request however slowly the machine publishes it
     *     (each of them seals with flush or close)
     */
    private TraceEngine engine(Wire wire, RecordingReceiver<?, ?> receiver, UnaryOperator<OtlpExporterBuilder<?>> options,
                               PayloadRecorder recorder, Duration linger) {
        recorder.delegate = wire.exporter(receiver, options);
        return closeAfter(engineExportingTo(recorder, linger).build());
    }

    /** The engine of the end-to-end tests, exporting through {@code recorder}. */
    static TraceEngineBuilder engineExportingTo(PayloadRecorder recorder, Duration linger) {
        return TraceEngine.builder()
                .resource(Resource.builder().attribute("service.name", "e2e").build())
                .ringSize(1024)
                .maxExportBatchSize(100)
                .requestBuffers(8)
                .scheduleDelay(linger)
                .exporter(recorder);
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

    static long traceHigh(long id) {
        return id * 0x9E3779B97F4A7C15L;
    }

    /** What protobuf-java says the published span {@code id} is. */
    static void assertPublished(long id, Span span) {
        assertEquals(ByteString.copyFrom(bigEndian(traceHigh(id), ~id)), span.getTraceId(), "trace id of " + id);
        assertEquals(ByteString.copyFrom(bigEndian(id)), span.getSpanId());
        assertEquals(ByteString.copyFrom(bigEndian(id + 1_000_000)), span.getParentSpanId());
        assertEquals("GET /orders/{id}", span.getName());
        assertEquals(Span.SpanKind.SPAN_KIND_SERVER, span.getKind());
        assertEquals(1_700_000_000_000_000_000L + id, span.getStartTimeUnixNano());
        assertEquals(1_700_000_000_000_900_000L + id, span.getEndTimeUnixNano());
        assertEquals(List.of(
                        keyValue("http.route", AnyValue.newBuilder().setStringValue("/orders/" + id)),
                        keyValue("http.status_code", AnyValue.newBuilder().setIntValue(200L + id % 3)),
                        keyValue("ratio", AnyValue.newBuilder().setDoubleValue(0.25)),
                        keyValue("cached", AnyValue.newBuilder().setBoolValue(id % 2 == 0))),
                span.getAttributesList());
        assertEquals(1, span.getEventsCount());
        assertEquals("retry", span.getEvents(0).getName());
        assertEquals(1_700_000_000_000_100_000L + id, span.getEvents(0).getTimeUnixNano());
        assertEquals(List.of(keyValue("attempt", AnyValue.newBuilder().setIntValue(id % 7))),
                span.getEvents(0).getAttributesList());
        if (id % 5 == 0) {
            assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR, span.getStatus().getCode());
            assertEquals("boom", span.getStatus().getMessage());
        } else {
            assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET, span.getStatus().getCode());
        }
        assertEquals(0, span.getDroppedAttributesCount());
    }

    private static KeyValue keyValue(String key, AnyValue.Builder value) {
        return KeyValue.newBuilder().setKey(key).setValue(value).build();
    }

    private static byte[] bigEndian(long... values) {
        byte[] bytes = new byte[values.length * 8];
        for (int v = 0; v < values.length; v++) {
            for (int i = 0; i < 8; i++) {
                bytes[v * 8 + i] = (byte) (values[v] >>> (56 - 8 * i));
            }
        }
        return bytes;
    }

    /** Spans received, by span id, with how often each arrived. */
    /** Spans in {@code requests}, by span id, with how often each arrived. */
    static Map<Long, List<Span>> bySpanId(List<ExportTraceServiceRequest> requests) {
        Map<Long, List<Span>> spans = new HashMap<>();
        for (ExportTraceServiceRequest request : requests) {
            for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
                assertEquals("service.name", resourceSpans.getResource().getAttributes(0).getKey());
                assertEquals("e2e", resourceSpans.getResource().getAttributes(0).getValue().getStringValue());
                for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                    assertEquals("io.ringtrace.e2e", scopeSpans.getScope().getName());
                    assertEquals("2.0", scopeSpans.getScope().getVersion());
                    for (Span span : scopeSpans.getSpansList()) {
                        spans.computeIfAbsent(span.getSpanId().asReadOnlyByteBuffer().getLong(), k -> new ArrayList<>()).add(span);
                    }
                }
            }
        }
        return spans;
    }

    /** Every id in [1, count] arrived exactly once and equals what was published. */
    private static void assertEachArrivedOnceIntact(RecordingReceiver<?, ?> receiver, long count) {
        Map<Long, List<Span>> received = bySpanId(receiver.requests());
        assertEquals(count, received.size(), "distinct spans received");
        for (long id = 1; id <= count; id++) {
            List<Span> copies = received.get(id);
            assertEquals(1, copies == null ? 0 : copies.size(), "copies of span " + id + " (receiver: "
                    + receiver.callCount() + " calls, " + receiver.failedCallCount() + " failed, "
                    + receiver.cancelledCallCount() + " cancelled)");
            assertPublished(id, copies.get(0));
        }
        assertEquals(count, receiver.spanCount());
    }

    static Map<ExportTraceServiceRequest, Integer> counts(List<ExportTraceServiceRequest> requests) {
        Map<ExportTraceServiceRequest, Integer> counts = new HashMap<>();
        for (ExportTraceServiceRequest request : requests) {
            counts.merge(request, 1, Integer::sum);
        }
        return counts;
    }

    /** After close: every published span is exported or dropped with a reason, nothing in flight. */
    static EngineStats assertAccounting(TraceEngine engine, long published) {
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(published, stats.published(), stats.toString());
        assertEquals(0, stats.inFlight(), stats.toString());
        assertEquals(stats.published(), stats.exported() + stats.droppedTotal(), stats.toString());
        return stats;
    }

    /** Hands requests to the real exporter after keeping a copy of their exact bytes. */
    static final class PayloadRecorder implements SpanExporter {
        SpanExporter delegate;
        final List<byte[]> payloads = new ArrayList<>();

        @Override
        public void export(ExportRequest request) {
            Bytes<?> payload = request.payload();
            byte[] copy = new byte[(int) payload.readRemaining()];
            payload.read(payload.readPosition(), copy, 0, copy.length);
            synchronized (payloads) {
                payloads.add(copy);
            }
            delegate.export(request);
        }

        @Override
        public void shutdown(long deadlineNanoTime) {
            delegate.shutdown(deadlineNanoTime);
        }

        List<ExportTraceServiceRequest> decoded() throws Exception {
            List<ExportTraceServiceRequest> requests = new ArrayList<>();
            synchronized (payloads) {
                for (byte[] payload : payloads) {
                    requests.add(ExportTraceServiceRequest.parseFrom(payload));
                }
            }
            return requests;
        }
    }


    private void deliversEverythingIntact(Wire wire, RecordingReceiver<?, ?> receiver,
                                          UnaryOperator<OtlpExporterBuilder<?>> options) throws Exception {
        PayloadRecorder recorder = new PayloadRecorder();
        TraceEngine engine = engine(wire, receiver, options, recorder);

        publish(engine, 1, 2000);
        assertTrue(engine.flush(WAIT));
        assertTrue(engine.close(WAIT));

        assertEachArrivedOnceIntact(receiver, 2000);
        assertEquals(counts(recorder.decoded()), counts(receiver.requests()),
                "the receiver got exactly the engine's requests (in any order: 4 calls in flight)");
        assertEquals(2000, assertAccounting(engine, 2000).exported());
        if (wire.path() != null) {
            assertTrue(receiver.paths().stream().allMatch(wire.path()::equals), receiver.paths().toString());
        }
    }

    // ------------------------------------------------------------------ the cases

    @ParameterizedTest
    @EnumSource(Wire.class)
    void plainText(Wire wire) throws Exception {
        deliversEverythingIntact(wire, started(wire), options -> options);
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void gzip(Wire wire) throws Exception {
        deliversEverythingIntact(wire, started(wire), options -> options.compression("gzip"));
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void tls(Wire wire) throws Exception {
        RecordingReceiver<?, ?> receiver = started(wire, ReceiverBuilder::tls);
        deliversEverythingIntact(wire, receiver, options -> options.trustedCertificates(receiver.certificates().caCertificate()));
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void mtlsWithGzip(Wire wire) throws Exception {
        RecordingReceiver<?, ?> receiver = started(wire, ReceiverBuilder::mtls);
        TestCertificates certs = receiver.certificates();
        deliversEverythingIntact(wire, receiver, options -> options
                .trustedCertificates(certs.caCertificate())
                .clientCertificate(certs.clientCertificate(), certs.clientKey())
                .compression("gzip"));
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void receiverDownThenUp(Wire wire) throws Exception {
        RecordingReceiver<?, ?> receiver = started(wire);
        receiver.stop();
        PayloadRecorder recorder = new PayloadRecorder();
        TraceEngine engine = engine(wire, receiver, options -> options, recorder);

        publish(engine, 1, 500);
        // the exporter has met the absent receiver once it retries; nothing can have been exported
        EngineStats before = new EngineStats();
        Await.until(() -> "a retry against the receiver that is not serving: " + before, WAIT,
                () -> engine.stats(before).retries() > 0);
        assertEquals(0, before.exported(), before::toString);
        receiver.startServing();
        assertTrue(engine.flush(WAIT));
        assertTrue(engine.close(WAIT));

        assertEachArrivedOnceIntact(receiver, 500);
        assertEquals(500, assertAccounting(engine, 500).exported());
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void retryableFailuresThenSuccess(Wire wire) throws Exception {
        RecordingReceiver<?, ?> receiver = started(wire);
        int failures = wire.failRetryably(receiver);
        PayloadRecorder recorder = new PayloadRecorder();
        TraceEngine engine = engine(wire, receiver, options -> options.maxInFlight(1), recorder);

        publish(engine, 1, 300);
        assertTrue(engine.flush(WAIT));
        assertTrue(engine.close(WAIT));

        assertEachArrivedOnceIntact(receiver, 300);
        EngineStats stats = assertAccounting(engine, 300);
        assertEquals(300, stats.exported());
        assertEquals(failures, stats.retries());
        assertEquals(failures, receiver.failedCallCount());
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void killedAndRestartedMidStream(Wire wire) throws Exception {
        RecordingReceiver<?, ?> receiver = started(wire);
        receiver.responseDelay(Duration.ofMillis(5));
        PayloadRecorder recorder = new PayloadRecorder();
        TraceEngine engine = engine(wire, receiver, options -> options, recorder);

        publish(engine, 1, 1500);
        long retriesBeforeStop = engine.stats(new EngineStats()).retries();
        receiver.stop(); // with requests in flight
        // Restart from another thread once the exporter has met the outage (a retry): meanwhile
        // buffers and then the ring fill, and publish() blocks (claim() waits for a slot):
        // backpressure, as designed.
        Thread restarter = new Thread(() -> {
            EngineStats seen = new EngineStats();
            try {
                Await.until(() -> "a retry after the receiver stopped: " + seen, WAIT,
                        () -> engine.stats(seen).retries() > retriesBeforeStop);
            } finally {
                receiver.startServing();
            }
        }, "test-restarter");
        restarter.start();
        publish(engine, 1501, 1500);
        restarter.join(10_000);
        publish(engine, 3001, 1000);
        assertTrue(engine.flush(WAIT));
        assertTrue(engine.close(WAIT));

        EngineStats stats = assertAccounting(engine, 4000);
        assertEquals(4000, stats.exported(), "nothing lost: " + stats);
        Map<Long, List<Span>> received = bySpanId(receiver.requests());
        assertEquals(4000, received.size(), "every span arrived");
        long duplicated = received.values().stream().filter(copies -> copies.size() > 1).count();
        // OTLP is at-least-once: a request whose answer died with the connection is sent again. The
        // receiver records only requests it answered on a live call, so this stays rare and small.
        assertTrue(duplicated <= 4 * 100, "spans duplicated: " + duplicated);
        for (long id = 1; id <= 4000; id++) {
            assertPublished(id, received.get(id).get(0));
        }
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void rejectedFailedAndUnreadableRepliesAreCountedByReason(Wire wire) throws Exception {
        RecordingReceiver<?, ?> receiver = started(wire);
        receiver.partialSuccessNext(1, 7, "7 spans rejected");
        wire.refuseNext(receiver);
        boolean unreadable = wire.answerUnreadablyNext(receiver);
        PayloadRecorder recorder = new PayloadRecorder();
        TraceEngine engine = engine(wire, receiver, options -> options.maxInFlight(1), recorder, Duration.ofSeconds(30));

        publish(engine, 1, 100); // one request of 100: partially rejected
        assertTrue(engine.flush(WAIT));
        publish(engine, 101, 100); // one request of 100: refused, not retried
        assertTrue(engine.flush(WAIT));
        publish(engine, 201, 100); // accepted; where scripted, its reply unreadable: delivered, never resent
        assertTrue(engine.flush(WAIT));
        publish(engine, 301, 100); // accepted
        assertTrue(engine.close(WAIT));

        EngineStats stats = assertAccounting(engine, 400);
        assertEquals(7, stats.dropped(DropReason.REJECTED), stats.toString());
        assertEquals(100, stats.dropped(DropReason.EXPORT_FAILED), stats.toString());
        assertEquals(293, stats.exported(), stats.toString());
        assertEquals(0, stats.retries(), "nothing was sent twice (unreadable reply scripted: " + unreadable + ")");
        assertEquals(4, receiver.callCount(), "nothing was sent twice");
        assertEquals(300, receiver.spanCount(), "the partially rejected request did reach the receiver");
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void slowReplyPastTheTimeoutIsRetried(Wire wire) throws Exception {
        RecordingReceiver<?, ?> receiver = started(wire);
        receiver.delayNext(1, Duration.ofMillis(1500));
        PayloadRecorder recorder = new PayloadRecorder();
        TraceEngine engine = engine(wire, receiver, options -> options.maxInFlight(1).timeout(Duration.ofMillis(500)), recorder);

        publish(engine, 1, 100);
        assertTrue(engine.flush(WAIT));
        assertTrue(engine.close(WAIT));

        EngineStats stats = assertAccounting(engine, 100);
        assertEquals(100, stats.exported(), stats.toString());
        assertTrue(stats.retries() >= 1, stats.toString());
        // at-least-once: the slow receiver may have kept the first copy, the retry delivered one
        assertEquals(100, bySpanId(receiver.requests()).size());
    }

    @ParameterizedTest
    @EnumSource(Wire.class)
    void closeWithTheReceiverDownCountsWhatCouldNotBeSentAsShutdown(Wire wire) throws Exception {
        RecordingReceiver<?, ?> receiver = started(wire);
        receiver.stop();
        PayloadRecorder recorder = new PayloadRecorder();
        TraceEngine engine = engine(wire, receiver, options -> options, recorder);

        publish(engine, 1, 400);
        long start = System.nanoTime();
        assertFalse(engine.close(Duration.ofMillis(800)), "not clean: spans were dropped");
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertTrue(tookMillis < 5_000, "close is bounded by its deadline, took " + tookMillis + " ms");
        EngineStats stats = assertAccounting(engine, 400);
        assertEquals(0, stats.exported());
        assertEquals(400, stats.dropped(DropReason.SHUTDOWN), stats.toString());
    }
}
