package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Misuse of the span API behaves the same whether the span is sampled or not: ignored and counted,
 * never thrown; a second {@code end()} is a counted no-op; a sampler that throws is contained.
 */
class SpanApiMisuseTest extends LeakCheckingTestBase {

    private static final Utf8Constant NAME = Utf8Constant.of("misused");
    private static final Utf8Constant EVENT = Utf8Constant.of("event");

    private TraceEngine engine(Sampler sampler, InMemorySpanExporter exporter) {
        return closeAfter(TraceEngine.builder().ringSize(64).sampler(sampler).exporter(exporter).build());
    }

    /** Every misuse the span's recording methods can see; none may throw. */
    private static void misuse(Span span) {
        span.eventAttribute(TestSpans.SEQ, 1L) // before any addEvent
                .eventAttribute(TestSpans.SEQ, "v")
                .eventAttribute(TestSpans.SEQ, 1.5)
                .eventAttribute(TestSpans.SEQ, true)
                .addLink(null)
                .attribute(null, 1L)
                .attribute(null, "v")
                .attribute(null, 1.5)
                .attribute(null, true)
                .attribute(TestSpans.SEQ, (CharSequence) null)
                .addEvent(null)
                .addEvent(null, 1L)
                .status(7, "not a status code");
    }

    private static final int MISUSES = 13;

    @Test
    void misuseIsIgnoredTheSameWaySampledOrNot() {
        for (boolean sampled : new boolean[] {true, false}) {
            InMemorySpanExporter exporter = new InMemorySpanExporter();
            TraceEngine engine = engine(sampled ? Sampler.alwaysOn() : Sampler.alwaysOff(), exporter);
            Span span = engine.tracer(TestSpans.SCOPE).start(NAME);
            assertEquals(sampled, span.isSampled());
            misuse(span);
            span.addEvent(EVENT).eventAttribute(TestSpans.SEQ, 2L).attribute(TestSpans.STATUS, 200L);
            span.end();
            assertTrue(engine.flush(Duration.ofSeconds(10)));
            EngineStats stats = engine.stats(new EngineStats());
            assertEquals(MISUSES, stats.ignoredSpanCalls(), "sampled=" + sampled + ": " + stats);
            if (sampled) {
                io.opentelemetry.proto.trace.v1.Span wire = exporter.decodedSpans().get(0);
                assertEquals(1, wire.getAttributesCount(), "only the valid attribute");
                assertEquals(1, wire.getEventsCount(), "only the valid event");
                assertEquals(2L, wire.getEvents(0).getAttributes(0).getValue().getIntValue());
                assertFalse(wire.hasStatus(), "the bad status code was ignored");
                RingApiTest.assertAccounting(engine, 1, 1);
            } else {
                assertTrue(exporter.decodedSpans().isEmpty());
                RingApiTest.assertAccounting(engine, 0, 0);
            }
        }
    }

    @Test
    void aSecondEndIsACountedNoOp() {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = engine(Sampler.alwaysOn(), exporter);
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        Span span = tracer.start(NAME);
        try {
            span.attribute(TestSpans.SEQ, 1L);
            span.end();
        } finally {
            span.end(); // the usual application pattern: must not throw
        }
        Span unsampled = engine(Sampler.alwaysOff(), new InMemorySpanExporter()).tracer(TestSpans.SCOPE).start(NAME);
        unsampled.end();
        unsampled.end();
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(1, exporter.decodedSpans().size(), "exported once");
        assertEquals(1, engine.stats(new EngineStats()).repeatedEnds());
        RingApiTest.assertAccounting(engine, 1, 1);
    }

    @Test
    void aCallTheRawRecordRefusesDropsTheSpanAsInvalidInsteadOfExportingItHalfWritten() {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = engine(Sampler.alwaysOn(), exporter);
        Span span = engine.tracer(TestSpans.SCOPE).start(NAME);
        assertThrows(IllegalArgumentException.class, () -> span.record().attribute(TestSpans.SEQ, (long[]) null));
        span.end();
        engine.tracer(TestSpans.SCOPE).start(NAME).end();
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(1, exporter.decodedSpans().size());
        assertEquals(1, engine.stats(new EngineStats()).dropped(DropReason.INVALID_SPAN));
        RingApiTest.assertAccounting(engine, 2, 1);
    }

    @Test
    void aSamplerThatThrowsIsContainedCountedAndTreatedAsNotSampled() {
        AtomicInteger calls = new AtomicInteger();
        Sampler throwing = new Sampler() {
            @Override
            public boolean shouldSample(boolean hasParent, boolean parentRemote, boolean parentSampled,
                                        long traceIdHigh, long traceIdLow) {
                if (calls.incrementAndGet() % 2 == 1) {
                    throw new IllegalStateException("sampler bug");
                }
                return true;
            }

            @Override
            public String description() {
                return "Throwing";
            }
        };
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = engine(throwing, exporter);
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        Span dropped = tracer.start(NAME); // the sampler throws
        assertTrue(dropped.isValid(), "the context still propagates");
        assertFalse(dropped.isSampled());
        Span kept = tracer.start(NAME, io.ringtrace.codec.SpanKind.INTERNAL, (TraceContext) null); // the sampler says yes
        assertTrue(kept.isSampled());
        kept.end();
        dropped.end();
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(1, exporter.decodedSpans().size());
        assertEquals(1, engine.stats(new EngineStats()).samplerErrors());
        RingApiTest.assertAccounting(engine, 1, 1);
    }
}
