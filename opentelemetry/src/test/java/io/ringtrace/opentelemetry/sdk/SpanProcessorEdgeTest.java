package io.ringtrace.opentelemetry.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the processor does with spans it must not export as they are: a span that cannot be copied
 * is dropped whole and counted, never thrown at the thread that ends it; unsampled spans are
 * ignored; a span of another resource is exported under the processor's and counted; after
 * shutdown, spans are counted as lost at shutdown.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SpanProcessorEdgeTest extends LeakCheckingTestBase {

    @Test
    void aSpanThatCannotBeCopiedIsDroppedWholeAndCounted() {
        RingtraceSpanProcessor processor = processor(SdkSpans.RESOURCE);
        try {
            ReadableSpan good = endedSpans(SdkSpans.RESOURCE, Sampler.alwaysOn(), 1).get(0);
            ReadableSpan bad = new FailingRead(good); // its attributes throw half-way through the copy

            processor.onEnd(bad); // must not throw
            processor.onEnd(good);

            assertTrue(processor.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
            EngineStats stats = processor.engine().stats(new EngineStats());
            assertEquals(2, stats.published());
            assertEquals(1, stats.exported());
            assertEquals(1, stats.dropped(DropReason.INVALID_SPAN));
            assertEquals(1, processor.copyFailures());
        } finally {
            processor.shutdown();
        }
    }

    @Test
    void unsampledSpansAreIgnoredAndLateOnesCountedAtShutdown() {
        RingtraceSpanProcessor processor = processor(SdkSpans.RESOURCE);
        List<ReadableSpan> recordOnly = endedSpans(SdkSpans.RESOURCE, Sampler.alwaysOff(), 3);
        List<ReadableSpan> sampled = endedSpans(SdkSpans.RESOURCE, Sampler.alwaysOn(), 2);
        recordOnly.forEach(processor::onEnd);
        processor.onEnd(sampled.get(0));
        assertTrue(processor.shutdown().join(10, TimeUnit.SECONDS).isSuccess());
        processor.onEnd(sampled.get(1)); // after shutdown: counted, not thrown

        EngineStats stats = processor.engine().stats(new EngineStats());
        assertEquals(1, stats.exported(), "record-only spans are not exported, as with BatchSpanProcessor");
        assertEquals(1, stats.dropped(DropReason.SHUTDOWN));
        assertTrue(processor.shutdown().isSuccess(), "idempotent");
    }

    @Test
    void aSpanOfAnotherResourceIsExportedUnderTheProcessorsAndCounted() {
        RingtraceSpanProcessor processor = processor(SdkSpans.RESOURCE);
        try {
            Resource equalCopy = Resource.create(SdkSpans.RESOURCE.getAttributes(), SdkSpans.RESOURCE.getSchemaUrl());
            endedSpans(equalCopy, Sampler.alwaysOn(), 2).forEach(processor::onEnd);
            assertEquals(0, processor.spansWithOtherResource(), "an equal resource is the same resource");
            endedSpans(Resource.empty(), Sampler.alwaysOn(), 2).forEach(processor::onEnd);
            assertEquals(2, processor.spansWithOtherResource());
            assertTrue(processor.forceFlush().join(10, TimeUnit.SECONDS).isSuccess());
            assertEquals(4, processor.engine().stats(new EngineStats()).exported());
        } finally {
            processor.shutdown();
        }
    }

    private static RingtraceSpanProcessor processor(Resource resource) {
        return RingtraceSpanProcessor.builder(TraceEngine.builder().exporter(new InMemorySpanExporter()))
                .resource(resource).flushTimeout(Duration.ofSeconds(10)).build();
    }

    private static List<ReadableSpan> endedSpans(Resource resource, Sampler sampler, int count) {
        List<ReadableSpan> spans = new ArrayList<>();
        SdkTracerProvider provider = SdkTracerProvider.builder().setResource(resource).setSampler(sampler)
                .addSpanProcessor(new SpanProcessor() {
                    @Override
                    public void onStart(Context parentContext, ReadWriteSpan span) {}

                    @Override
                    public boolean isStartRequired() {
                        return false;
                    }

                    @Override
                    public void onEnd(ReadableSpan span) {
                        spans.add(span);
                    }

                    @Override
                    public boolean isEndRequired() {
                        return true;
                    }
                })
                .build();
        for (int i = 0; i < count; i++) {
            provider.get("edge").spanBuilder("span " + i).setSpanKind(SpanKind.SERVER)
                    .setAttribute("a", 1L).setAttribute("b", "x").startSpan().end();
        }
        provider.close();
        return spans;
    }

    /** An ended span whose data fails while its attributes are read. */
    private static final class FailingRead implements ReadableSpan {
        private final ReadableSpan span;

        FailingRead(ReadableSpan span) {
            this.span = span;
        }

        @Override
        public SpanData toSpanData() {
            return new DelegatingSpanData(span.toSpanData()) {
                @Override
                public Attributes getAttributes() {
                    Attributes real = super.getAttributes();
                    return new DelegatingAttributes(real);
                }
            };
        }

        @Override
        public SpanContext getSpanContext() {
            return span.getSpanContext();
        }

        @Override
        public SpanContext getParentSpanContext() {
            return span.getParentSpanContext();
        }

        @Override
        public String getName() {
            return span.getName();
        }

        @Override
        @SuppressWarnings("deprecation")
        public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
            return span.getInstrumentationLibraryInfo();
        }

        @Override
        public InstrumentationScopeInfo getInstrumentationScopeInfo() {
            return span.getInstrumentationScopeInfo();
        }

        @Override
        public boolean hasEnded() {
            return true;
        }

        @Override
        public long getLatencyNanos() {
            return span.getLatencyNanos();
        }

        @Override
        public SpanKind getKind() {
            return span.getKind();
        }

        @Override
        public <T> T getAttribute(AttributeKey<T> key) {
            return span.getAttribute(key);
        }
    }

    /** Attributes that hand out one and then fail, as a broken SDK extension might. */
    private static final class DelegatingAttributes implements Attributes {
        private final Attributes real;

        DelegatingAttributes(Attributes real) {
            this.real = real;
        }

        @Override
        public <T> T get(AttributeKey<T> key) {
            return real.get(key);
        }

        @Override
        public void forEach(java.util.function.BiConsumer<? super AttributeKey<?>, ? super Object> consumer) {
            boolean[] first = {true};
            real.forEach((k, v) -> {
                if (!first[0]) {
                    throw new IllegalStateException("broken attributes");
                }
                first[0] = false;
                consumer.accept(k, v);
            });
        }

        @Override
        public int size() {
            return real.size();
        }

        @Override
        public boolean isEmpty() {
            return real.isEmpty();
        }

        @Override
        public java.util.Map<AttributeKey<?>, Object> asMap() {
            return real.asMap();
        }

        @Override
        public io.opentelemetry.api.common.AttributesBuilder toBuilder() {
            return real.toBuilder();
        }
    }
}
