package io.ringtrace.bench.sdk;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.ringtrace.bench.SpanShape;
import io.ringtrace.bench.SpanShape.SpanValues;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The {@link SpanShape typical span} recorded with the OpenTelemetry Java SDK. */
public final class SdkShape {

    /** {@link SpanShape#KEY_METHOD} as an SDK key. */
    public static final AttributeKey<String> METHOD = AttributeKey.stringKey(SpanShape.KEY_METHOD);
    /** {@link SpanShape#KEY_PATH} as an SDK key. */
    public static final AttributeKey<String> PATH = AttributeKey.stringKey(SpanShape.KEY_PATH);
    /** {@link SpanShape#KEY_STATUS} as an SDK key. */
    public static final AttributeKey<Long> STATUS = AttributeKey.longKey(SpanShape.KEY_STATUS);
    /** {@link SpanShape#KEY_CACHE_HIT} as an SDK key. */
    public static final AttributeKey<Boolean> CACHE_HIT = AttributeKey.booleanKey(SpanShape.KEY_CACHE_HIT);

    private SdkShape() {
    }

    /** @return the resource both systems export under */
    public static Resource resource() {
        return Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), SpanShape.SERVICE_NAME));
    }

    /**
     * Records one typical span the way an instrumented application does: start, four attributes,
     * one event, end. This is the SDK side of every publish measurement.
     *
     * @param tracer the SDK tracer
     */
    public static void recordSpan(Tracer tracer) {
        recordSpan(tracer, true);
    }

    /**
     * {@link #recordSpan(Tracer)}, with or without the event (the minimal span is "name, 4
     * attributes").
     *
     * @param tracer the SDK tracer
     * @param withEvent whether to add the event
     */
    public static void recordSpan(Tracer tracer, boolean withEvent) {
        Span span = tracer.spanBuilder(SpanShape.SPAN_NAME).setSpanKind(SpanKind.SERVER).startSpan();
        span.setAttribute(METHOD, SpanShape.VALUE_METHOD);
        span.setAttribute(PATH, SpanShape.VALUE_PATH);
        span.setAttribute(STATUS, SpanShape.VALUE_STATUS);
        span.setAttribute(CACHE_HIT, SpanShape.VALUE_CACHE_HIT);
        if (withEvent) {
            span.addEvent(SpanShape.EVENT_NAME);
        }
        span.end();
    }

    /**
     * Produces the SDK's own {@link SpanData} for the given fixed values (ids and times forced
     * through the SDK's {@link IdGenerator} and explicit timestamps), so the SDK marshaler encodes
     * exactly the spans ringtrace encodes.
     *
     * @param rows the span values
     * @return one finished SpanData per row, in order
     */
    public static List<SpanData> spanData(SpanValues[] rows) {
        FixedIds ids = new FixedIds();
        Collector collector = new Collector();
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(resource())
                .setIdGenerator(ids)
                .addSpanProcessor(SimpleSpanProcessor.create(collector))
                .build()) {
            Tracer tracer = provider.get(SpanShape.SCOPE_NAME, SpanShape.SCOPE_VERSION);
            for (SpanValues row : rows) {
                ids.nextSpanId = hex16(row.spanId());
                SpanContext parent = SpanContext.create(hex16(row.traceIdHigh()) + hex16(row.traceIdLow()),
                        hex16(row.parentSpanId()), TraceFlags.getSampled(), TraceState.getDefault());
                Span span = tracer.spanBuilder(SpanShape.SPAN_NAME)
                        .setSpanKind(SpanKind.SERVER)
                        .setParent(Context.root().with(Span.wrap(parent)))
                        .setStartTimestamp(row.startEpochNanos(), TimeUnit.NANOSECONDS)
                        .startSpan();
                span.setAttribute(METHOD, SpanShape.VALUE_METHOD);
                span.setAttribute(PATH, SpanShape.VALUE_PATH);
                span.setAttribute(STATUS, SpanShape.VALUE_STATUS);
                span.setAttribute(CACHE_HIT, SpanShape.VALUE_CACHE_HIT);
                span.addEvent(SpanShape.EVENT_NAME, row.eventEpochNanos(), TimeUnit.NANOSECONDS);
                span.end(row.endEpochNanos(), TimeUnit.NANOSECONDS);
            }
        }
        if (collector.spans.size() != rows.length) {
            throw new IllegalStateException("expected " + rows.length + " spans, got " + collector.spans.size());
        }
        return collector.spans;
    }

    private static String hex16(long value) {
        String hex = Long.toHexString(value);
        return "0".repeat(16 - hex.length()) + hex;
    }

    /** Hands out the span id the caller set; trace ids come from the parent context. */
    private static final class FixedIds implements IdGenerator {
        String nextSpanId;

        @Override
        public String generateSpanId() {
            return nextSpanId;
        }

        @Override
        public String generateTraceId() {
            throw new IllegalStateException("every span has a parent; no trace id is generated");
        }
    }

    /** Keeps every finished span (setup only, never on a measured path). */
    private static final class Collector implements SpanExporter {
        final List<SpanData> spans = new ArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
