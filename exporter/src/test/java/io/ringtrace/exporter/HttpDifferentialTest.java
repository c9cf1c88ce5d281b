package io.ringtrace.exporter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Resource;
import io.ringtrace.codec.SpanKind;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.testkit.OtlpHttpReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same spans sent through the OpenTelemetry SDK's {@code OtlpHttpSpanExporter} and through
 * ringtrace's OTLP/HTTP exporter, into one recording receiver, decode to the same spans. Permitted
 * differences, normalised before comparing: the order of attributes, and an unset {@code status}
 * (ringtrace omits an empty one, which protobuf reads as the same default).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpDifferentialTest extends LeakCheckingTestBase {

    private static final int SPANS = 40;
    private static final long TRACE_HIGH = 0x0af7651916cd43ddL;
    private static final long TRACE_LOW = 0x8448eb211c80319cL;
    private static final long PARENT = 0x00f067aa0ba902b7L;
    private static final long FIRST_SPAN_ID = 0x1000;
    private static final long START = 1_700_000_000_000_000_000L;

    private static final Utf8Constant NAME = Utf8Constant.of("GET /orders/{id}");
    private static final Utf8Constant ROUTE = Utf8Constant.of("http.route");
    private static final Utf8Constant STATUS = Utf8Constant.of("http.status_code");
    private static final Utf8Constant RATIO = Utf8Constant.of("ratio");
    private static final Utf8Constant CACHED = Utf8Constant.of("cached");
    private static final Utf8Constant RETRY = Utf8Constant.of("retry");
    private static final Utf8Constant ATTEMPT = Utf8Constant.of("attempt");

    @Test
    void theSdkAndRingtraceSendTheSameSpans() throws Exception {
        OtlpHttpReceiver receiver = closeAfter(OtlpHttpReceiver.start());

        sendWithTheSdk(receiver);
        List<Span> sdk = spansOf(receiver.requests());
        receiver.clear();
        sendWithRingtrace(receiver);
        List<Span> ringtrace = spansOf(receiver.requests());

        assertEquals(SPANS, sdk.size());
        assertEquals(SPANS, ringtrace.size());
        for (int i = 0; i < SPANS; i++) {
            assertEquals(normalised(sdk.get(i)), normalised(ringtrace.get(i)), "span " + i);
        }
        assertTrue(sdk.stream().anyMatch(s -> s.getStatus().getCode() == io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR));
    }

    private static void sendWithTheSdk(OtlpHttpReceiver receiver) {
        AtomicLong spanIds = new AtomicLong(FIRST_SPAN_ID);
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setIdGenerator(new IdGenerator() {
                    @Override
                    public String generateSpanId() {
                        return String.format("%016x", spanIds.getAndIncrement());
                    }

                    @Override
                    public String generateTraceId() {
                        return String.format("%016x%016x", TRACE_HIGH, TRACE_LOW);
                    }
                })
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(receiver.tracesUrl()).build()).build())
                .build();
        try {
            Tracer tracer = provider.tracerBuilder("io.ringtrace.diff").setInstrumentationVersion("1.0").build();
            Context parent = Context.root().with(io.opentelemetry.api.trace.Span.wrap(SpanContext.create(
                    String.format("%016x%016x", TRACE_HIGH, TRACE_LOW), String.format("%016x", PARENT),
                    TraceFlags.getSampled(), TraceState.getDefault())));
            for (int i = 0; i < SPANS; i++) {
                io.opentelemetry.api.trace.Span span = tracer.spanBuilder("GET /orders/{id}")
                        .setParent(parent)
                        .setSpanKind(io.opentelemetry.api.trace.SpanKind.SERVER)
                        .setStartTimestamp(START + i * 1000L, TimeUnit.NANOSECONDS)
                        .startSpan();
                span.setAttribute("http.route", "/orders/" + i);
                span.setAttribute("http.status_code", 200L + i % 3);
                span.setAttribute("ratio", 0.25);
                span.setAttribute("cached", i % 2 == 0);
                span.addEvent("retry", Attributes.of(AttributeKey.longKey("attempt"), (long) (i % 7)),
                        START + i * 1000L + 100, TimeUnit.NANOSECONDS);
                if (i % 5 == 0) {
                    span.setStatus(StatusCode.ERROR, "boom");
                }
                span.end(START + i * 1000L + 900, TimeUnit.NANOSECONDS);
            }
            assertTrue(provider.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
        } finally {
            provider.shutdown().join(10, TimeUnit.SECONDS);
        }
    }

    private void sendWithRingtrace(OtlpHttpReceiver receiver) {
        InstrumentationScope scope = InstrumentationScope.builder("io.ringtrace.diff").version("1.0").build();
        TraceEngine engine = closeAfter(TraceEngine.builder()
                .resource(Resource.builder().attribute("service.name", "diff").build())
                .ringSize(256)
                .maxExportBatchSize(SPANS)
                .scheduleDelay(Duration.ofMillis(50))
                .exporter(io.ringtrace.exporter.OtlpHttpSpanExporter.builder().endpoint(receiver.tracesUrl()).build())
                .build());
        StringBuilder route = new StringBuilder();
        for (int i = 0; i < SPANS; i++) {
            route.setLength(0);
            route.append("/orders/").append(i);
            long sequence = engine.claim();
            try {
                engine.record(sequence)
                        .scope(scope)
                        .traceId(TRACE_HIGH, TRACE_LOW)
                        .spanId(FIRST_SPAN_ID + i)
                        .parentSpanId(PARENT)
                        .traceFlags(io.ringtrace.codec.SpanFlags.of(1, false)) // sampled, local parent: 0x101 as the SDK
                        .name(NAME)
                        .kind(SpanKind.SERVER)
                        .startEpochNanos(START + i * 1000L)
                        .endEpochNanos(START + i * 1000L + 900)
                        .attribute(ROUTE, route)
                        .attribute(STATUS, 200L + i % 3)
                        .attribute(RATIO, 0.25)
                        .attribute(CACHED, i % 2 == 0)
                        .status(i % 5 == 0 ? io.ringtrace.codec.StatusCode.ERROR : io.ringtrace.codec.StatusCode.UNSET,
                                i % 5 == 0 ? "boom" : null)
                        .addEvent(RETRY, START + i * 1000L + 100)
                        .eventAttributes().attribute(ATTEMPT, i % 7);
            } finally {
                engine.publish(sequence);
            }
        }
        assertTrue(engine.close(Duration.ofSeconds(20)));
    }

    private static List<Span> spansOf(List<ExportTraceServiceRequest> requests) {
        List<Span> spans = new ArrayList<>();
        for (ExportTraceServiceRequest request : requests) {
            for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
                for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                    assertEquals("io.ringtrace.diff", scopeSpans.getScope().getName());
                    assertEquals("1.0", scopeSpans.getScope().getVersion());
                    spans.addAll(scopeSpans.getSpansList());
                }
            }
        }
        spans.sort(Comparator.comparing(s -> s.getSpanId().asReadOnlyByteBuffer().getLong()));
        return spans;
    }

    /** The span with its attributes (and its events' attributes) sorted by key and an unset status dropped. */
    private static Span normalised(Span span) {
        Span.Builder builder = span.toBuilder().clearAttributes().addAllAttributes(sorted(span.getAttributesList()));
        if (span.getStatus().equals(io.opentelemetry.proto.trace.v1.Status.getDefaultInstance())) {
            builder.clearStatus();
        }
        builder.clearEvents();
        for (Span.Event event : span.getEventsList()) {
            builder.addEvents(event.toBuilder().clearAttributes().addAllAttributes(sorted(event.getAttributesList())));
        }
        return builder.build();
    }

    private static List<KeyValue> sorted(List<KeyValue> attributes) {
        Map<String, KeyValue> byKey = new TreeMap<>();
        for (KeyValue attribute : attributes) {
            byKey.put(attribute.getKey(), attribute);
        }
        return new ArrayList<>(byKey.values());
    }
}
