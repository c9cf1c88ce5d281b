package io.ringtrace.opentelemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.OverloadPolicy;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * A {@code Span} reference used after {@code end()} is a no-op, as the API requires, even when its
 * pooled state already serves the thread's next span: the generation check never lets it write into
 * someone else's span, from the same thread or from another one racing the owner.
 */
class StaleSpanReferenceTest extends LeakCheckingTestBase {

    private final InMemorySpanExporter exporter = new InMemorySpanExporter();

    private Tracer tracer() {
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter)
                .overloadPolicy(OverloadPolicy.BLOCK).scheduleDelay(Duration.ofMillis(20)).build());
        return RingtraceOpenTelemetry.create(engine).getTracer("stale-test");
    }

    private static List<String> keys(io.opentelemetry.proto.trace.v1.Span span) {
        return span.getAttributesList().stream().map(KeyValue::getKey).collect(Collectors.toList());
    }

    @Test
    void aStaleReferenceDoesNothingToTheSpanThatReusedItsState() {
        Tracer tracer = tracer();
        RingtraceSpan first = (RingtraceSpan) tracer.spanBuilder("first").startSpan();
        SpanContext firstContext = first.getSpanContext(); // asked before end: kept
        first.end();
        RingtraceSpan second = (RingtraceSpan) tracer.spanBuilder("second").startSpan();
        assertSame(stateOf(first), stateOf(second), "the second span reuses the pooled state");

        first.setAttribute("stale", true);
        first.updateName("renamed by a stale reference");
        first.addEvent("stale event");
        first.end(); // must not end the second span
        assertFalse(first.isRecording());
        assertEquals(firstContext, first.getSpanContext(), "the context asked for before end() stays");
        assertTrue(second.isRecording(), "the second span is still open");

        second.setAttribute("own", 1L);
        second.end();
        second.end(); // a second end() is a no-op

        List<io.opentelemetry.proto.trace.v1.Span> spans = flushAndDecode(tracer);
        assertEquals(2, spans.size());
        io.opentelemetry.proto.trace.v1.Span exported = spans.get(1);
        assertEquals("second", exported.getName());
        assertEquals(List.of("own"), keys(exported));
        assertEquals(0, exported.getEventsCount());
    }

    @Test
    void aReferenceNeverAskedForItsContextAnswersInvalidAfterEnd() {
        Tracer tracer = tracer();
        Span span = tracer.spanBuilder("quiet").startSpan();
        span.end();
        assertFalse(span.getSpanContext().isValid());
        Span stored = tracer.spanBuilder("stored").startSpan();
        Context context = Context.root().with(stored); // storing fixes the context
        stored.end();
        assertTrue(Span.fromContext(context).getSpanContext().isValid());
        flushAndDecode(tracer);
    }

    @Test
    void aStaleReferenceRacingTheOwnerNeverWritesIntoItsSpans() throws Exception {
        Tracer tracer = tracer();
        Span stale = tracer.spanBuilder("stale").startSpan();
        stale.end();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong staleCalls = new AtomicLong();
        CountDownLatch started = new CountDownLatch(1);
        Thread intruder = new Thread(() -> {
            started.countDown();
            while (!done.get()) {
                stale.setAttribute("intruder", true);
                stale.addEvent("intruder");
                stale.end();
                staleCalls.incrementAndGet();
            }
        }, "stale-intruder");
        intruder.start();
        started.await();
        int spans = 20_000;
        for (int i = 0; i < spans; i++) {
            Span span = tracer.spanBuilder("owner").startSpan(); // the same pooled state, generation after generation
            span.setAttribute("own", i);
            span.end();
        }
        done.set(true);
        intruder.join(10_000);
        assertTrue(staleCalls.get() > 0, "the intruder ran");
        List<io.opentelemetry.proto.trace.v1.Span> exported = flushAndDecode(tracer);
        assertEquals(spans + 1, exported.size());
        for (io.opentelemetry.proto.trace.v1.Span span : exported.subList(1, exported.size())) {
            assertEquals(List.of("own"), keys(span), "a span the intruder touched");
            assertEquals(0, span.getEventsCount());
        }
    }

    @Test
    void callsFromSeveralThreadsOnOneOpenSpanAllLand() throws Exception {
        Tracer tracer = tracer();
        Span span = tracer.spanBuilder("shared").startSpan();
        Thread[] writers = new Thread[3];
        for (int t = 0; t < writers.length; t++) {
            int id = t;
            writers[t] = new Thread(() -> {
                for (int i = 0; i < 30; i++) {
                    span.setAttribute("t" + id + "." + i, i);
                }
            });
            writers[t].start();
        }
        for (Thread writer : writers) {
            writer.join(10_000);
        }
        span.end();
        List<io.opentelemetry.proto.trace.v1.Span> exported = flushAndDecode(tracer);
        assertEquals(90, exported.get(0).getAttributesCount());
    }

    private List<io.opentelemetry.proto.trace.v1.Span> flushAndDecode(Tracer tracer) {
        TraceEngine engine = ((RingtraceTracer) tracer).engine();
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(0, stats.dropped(DropReason.INVALID_SPAN), "no span was corrupted: " + stats);
        assertEquals(stats.published(), stats.exported(), stats.toString());
        return exporter.decodedSpans();
    }

    private static SpanState stateOf(RingtraceSpan span) {
        return span.state();
    }
}
