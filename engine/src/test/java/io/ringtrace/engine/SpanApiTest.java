package io.ringtrace.engine;

import static io.ringtrace.engine.TestSpans.idLong;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.ringtrace.codec.StatusCode;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The span API: pooled flyweights, nesting, cross-thread end, sampling, pool exhaustion. */
class SpanApiTest extends LeakCheckingTestBase {

    private static final Utf8Constant PARENT = Utf8Constant.of("parent");
    private static final Utf8Constant CHILD = Utf8Constant.of("child");
    private static final Utf8Constant GRANDCHILD = Utf8Constant.of("grandchild");
    private static final Utf8Constant EVENT = Utf8Constant.of("cache.miss");

    private final InMemorySpanExporter exporter = new InMemorySpanExporter();

    private TraceEngine engine(TraceEngineBuilder builder) {
        return closeAfter(builder.exporter(exporter).build());
    }

    @Test
    void aMaximalIncomingTraceStateDoesNotCrowdOutTheSpanName() {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(64)); // default limits: 512 text bytes
        StringBuilder state = new StringBuilder();
        for (int i = 0; i < TraceContext.MAX_TRACE_STATE_MEMBERS; i++) { // 32 members, 511 chars
            state.append(i == 0 ? "" : ",").append(String.format("k%02d=vvvvvvvvvvv", i));
        }
        TraceContext remote = new TraceContext();
        assertTrue(W3cTraceContext.parseTraceParent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", remote));
        assertTrue(W3cTraceContext.parseTraceState(state, remote));
        assertEquals(511, remote.traceState().length());
        engine.tracer(TestSpans.SCOPE).start(PARENT, io.ringtrace.codec.SpanKind.SERVER, remote).end();
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        io.opentelemetry.proto.trace.v1.Span span = exporter.decodedSpans().get(0);
        assertEquals("parent", span.getName(), "the name is written first");
        String kept = span.getTraceState();
        assertTrue(state.toString().startsWith(kept) && kept.length() > 400, kept);
        assertTrue(kept.matches("(k\\d\\d=v{11})(,k\\d\\d=v{11})*"), "whole list-members only: " + kept);
    }

    @Test
    void statusFollowsTheOpenTelemetryApiRules() {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(64));
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        tracer.start(Utf8Constant.of("ok-with-message")).status(StatusCode.OK, "ignored for OK").end();
        tracer.start(Utf8Constant.of("ok-is-final")).status(StatusCode.OK, null).status(StatusCode.ERROR, "late").end();
        tracer.start(Utf8Constant.of("unset-is-ignored")).status(StatusCode.ERROR, "boom").status(StatusCode.UNSET, null).end();
        tracer.start(Utf8Constant.of("bad-code")).status(7, null).end(); // ignored and counted, never thrown
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        Map<String, io.opentelemetry.proto.trace.v1.Span> spans = exporter.decodedSpansByName();
        assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_OK, spans.get("ok-with-message").getStatus().getCode());
        assertEquals("", spans.get("ok-with-message").getStatus().getMessage());
        assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_OK, spans.get("ok-is-final").getStatus().getCode());
        assertEquals("", spans.get("ok-is-final").getStatus().getMessage());
        assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR, spans.get("unset-is-ignored").getStatus().getCode());
        assertEquals("boom", spans.get("unset-is-ignored").getStatus().getMessage());
        assertEquals(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_UNSET, spans.get("bad-code").getStatus().getCode());
        assertEquals(1, engine.stats(new EngineStats()).ignoredSpanCalls());
    }

    @Test
    void nestedSpansOnOneThreadFormAParentChildChain() {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(1024));
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        Span parent = tracer.start(PARENT, io.ringtrace.codec.SpanKind.SERVER);
        Span child = tracer.start(CHILD);
        assertSame(child, tracer.currentSpan());
        Span grandchild = tracer.start(GRANDCHILD).attribute(TestSpans.STATUS, 7L);
        grandchild.addEvent(EVENT).eventAttribute(TestSpans.SEQ, 3L);
        grandchild.end();
        assertSame(child, tracer.currentSpan(), "ending the innermost span makes its parent current again");
        child.status(StatusCode.ERROR, "failed").end();
        parent.end();
        assertFalse(tracer.currentSpan().isValid(), "no span open: the no-op span");
        assertTrue(engine.flush(Duration.ofSeconds(10)));

        Map<String, io.opentelemetry.proto.trace.v1.Span> spans = exporter.decodedSpansByName();
        assertEquals(3, spans.size());
        io.opentelemetry.proto.trace.v1.Span p = spans.get("parent");
        io.opentelemetry.proto.trace.v1.Span c = spans.get("child");
        io.opentelemetry.proto.trace.v1.Span g = spans.get("grandchild");
        assertTrue(p.getParentSpanId().isEmpty(), "root span has no parent");
        assertEquals(SpanKind.SPAN_KIND_SERVER, p.getKind());
        assertEquals(p.getTraceId(), c.getTraceId());
        assertEquals(p.getTraceId(), g.getTraceId());
        assertEquals(p.getSpanId(), c.getParentSpanId());
        assertEquals(c.getSpanId(), g.getParentSpanId());
        assertEquals("failed", c.getStatus().getMessage());
        assertEquals(7, g.getAttributes(0).getValue().getIntValue());
        assertEquals("cache.miss", g.getEvents(0).getName());
        assertTrue(g.getEndTimeUnixNano() >= g.getStartTimeUnixNano());
        assertTrue(p.getEndTimeUnixNano() >= g.getEndTimeUnixNano());
        long now = System.currentTimeMillis() * 1_000_000L;
        assertTrue(Math.abs(p.getStartTimeUnixNano() - now) < 60_000_000_000L, "epoch clock within a minute of now");
        RingApiTest.assertAccounting(engine, 3, 3);
    }

    @Test
    void aSpanEndedOnAnotherThreadIsPublishedAndItsFlyweightReturns() throws Exception {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(1024).spansPerThread(2));
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            for (int round = 0; round < 20; round++) { // 20 rounds through a pool of 2: flyweights must come back
                Span parent = tracer.start(PARENT);
                Span handedOver = tracer.start(CHILD);
                CompletableFuture.runAsync(() -> handedOver.attribute(TestSpans.SEQ, 1L).end(), other).get();
                Span sibling = tracer.start(GRANDCHILD); // handedOver ended elsewhere: parent is current again
                assertEquals(parent.spanId(), sibling.parentSpanId());
                sibling.end();
                parent.end();
            }
        } finally {
            other.shutdownNow();
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(60, exporter.decodedSpans().size());
        assertEquals(0, engine.stats(new EngineStats()).dropped(DropReason.POOL_EXHAUSTED));
        RingApiTest.assertAccounting(engine, 60, 60);
    }

    @Test
    void poolExhaustionGivesANoOpSpanAndIsCounted() {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(1024).spansPerThread(3));
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        Span a = tracer.start(PARENT);
        Span b = tracer.start(CHILD);
        Span c = tracer.start(CHILD);
        Span d = tracer.start(GRANDCHILD);
        assertFalse(d.isValid());
        assertFalse(d.isRecording());
        d.attribute(TestSpans.SEQ, 1L).end(); // harmless
        d.end();
        c.end();
        b.end();
        a.end();
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(1, engine.stats(new EngineStats()).dropped(DropReason.POOL_EXHAUSTED));
        RingApiTest.assertAccounting(engine, 4, 3);
    }

    @Test
    void aPoolListenerSeesOpenSpansAndExhaustion() {
        List<SpanPoolView> pools = new java.util.concurrent.CopyOnWriteArrayList<>();
        TraceEngine engine = engine(TraceEngine.builder().ringSize(1024).spansPerThread(2).spanPoolListener(pools::add));
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        long before = engine.nowEpochNanos();
        Span a = tracer.start(PARENT);
        Span b = tracer.start(CHILD);
        tracer.start(GRANDCHILD).end(); // exhausted: the no-op span
        assertEquals(1, pools.size());
        SpanPoolView pool = pools.get(0);
        assertSame(Thread.currentThread(), pool.ownerThread());
        assertEquals(2, pool.capacity());
        assertEquals(1, pool.exhaustions());
        assertTrue(pool.openedAtEpochNanos(0) >= before);
        assertSame(PARENT, pool.spanName(0));
        assertSame(CHILD, pool.spanName(1));
        b.end();
        a.end();
        assertEquals(SpanPoolView.NOT_OPEN, pool.openedAtEpochNanos(0));
        assertEquals(SpanPoolView.NOT_OPEN, pool.openedAtEpochNanos(1));
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        RingApiTest.assertAccounting(engine, 3, 2);
    }

    @Test
    void unsampledSpansRecordNothingButPropagateContext() {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(1024).sampler(Sampler.parentBased(Sampler.alwaysOff())));
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        Span root = tracer.start(PARENT);
        Span child = tracer.start(CHILD);
        assertTrue(root.isValid());
        assertFalse(root.isSampled());
        assertEquals(root.traceIdLow(), child.traceIdLow(), "the context propagates");
        assertEquals(root.spanId(), child.parentSpanId());
        StringBuilder header = new StringBuilder();
        W3cTraceContext.writeTraceParent(child.context(), header);
        assertTrue(header.toString().endsWith("-00"), header::toString);
        child.end();
        root.end();

        TraceContext remote = new TraceContext();
        assertTrue(W3cTraceContext.parseTraceParent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", remote));
        assertTrue(W3cTraceContext.parseTraceState("vendor=abc, other=x", remote));
        Span server = tracer.start(PARENT, io.ringtrace.codec.SpanKind.SERVER, remote);
        assertTrue(server.isSampled(), "a sampled remote parent wins over the root sampler");
        server.end();
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        List<io.opentelemetry.proto.trace.v1.Span> spans = exporter.decodedSpans();
        assertEquals(1, spans.size());
        io.opentelemetry.proto.trace.v1.Span s = spans.get(0);
        assertEquals(0x0af7651916cd43ddL, idLong(s.getTraceId(), 0));
        assertEquals(0x8448eb211c80319cL, idLong(s.getTraceId(), 8));
        assertEquals(0xb7ad6b7169203331L, idLong(s.getParentSpanId(), 0));
        assertEquals("vendor=abc,other=x", s.getTraceState());
        RingApiTest.assertAccounting(engine, 1, 1);
    }

    @Test
    void endingTwiceIsANoOpAndRecordingAfterEndIsIgnored() {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(1024));
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        Span span = tracer.start(PARENT);
        span.end();
        span.attribute(TestSpans.SEQ, 1L);
        span.end();
        assertEquals(1, engine.stats(new EngineStats()).repeatedEnds());
        assertThrows(IllegalArgumentException.class, () -> tracer.start(PARENT, 9));
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(0, exporter.decodedSpans().get(0).getAttributesCount());
    }

    @Test
    void explicitParentFromAnotherThreadAndDistinctIds() throws Exception {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(64));
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        Span parent = tracer.start(PARENT);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            long childParent = CompletableFuture.supplyAsync(() -> {
                Span child = tracer.start(CHILD, io.ringtrace.codec.SpanKind.CLIENT, parent);
                long p = child.parentSpanId();
                child.end();
                return p;
            }, other).get();
            assertEquals(parent.spanId(), childParent);
        } finally {
            other.shutdownNow();
        }
        parent.end();
        Span a = tracer.start(PARENT);
        long aTrace = a.traceIdLow(); // read before end(): the flyweight is reused afterwards
        a.end();
        Span b = tracer.start(PARENT);
        assertNotEquals(aTrace, b.traceIdLow(), "root spans start new traces");
        b.end();
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        RingApiTest.assertAccounting(engine, 4, 4);
    }

    @Test
    void aRunTimeNameWithAnExplicitParentAndAStartTimeSetOnTheRecord() {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(64));
        Tracer tracer = engine.tracer(TestSpans.SCOPE);
        TraceContext remote = new TraceContext();
        assertTrue(W3cTraceContext.parseTraceParent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", remote));
        StringBuilder name = new StringBuilder("GET /orders/").append(42);
        Span span = tracer.start(name, io.ringtrace.codec.SpanKind.SERVER, remote);
        name.setLength(0); // encoded at start: the builder may be reused at once
        long past = 1_700_000_000_000_000_000L;
        span.record().startEpochNanos(past); // a span that happened earlier, recorded now
        span.end(past + 500); // before the moment start() ran: kept, since it is after the record's start
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        io.opentelemetry.proto.trace.v1.Span exported = exporter.decodedSpans().get(0);
        assertEquals("GET /orders/42", exported.getName());
        assertEquals(0xb7ad6b7169203331L, idLong(exported.getParentSpanId(), 0));
        assertEquals(past, exported.getStartTimeUnixNano());
        assertEquals(past + 500, exported.getEndTimeUnixNano());
        assertEquals(0x301, exported.getFlags());
    }
}
