package io.ringtrace.engine;

import static io.ringtrace.engine.TestSpans.idLong;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.StatusCode;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The ring API end to end: claim, fill, publish, serializer, batching, exporter, accounting. */
class RingApiTest extends LeakCheckingTestBase {

    private final InMemorySpanExporter exporter = new InMemorySpanExporter();

    private TraceEngine engine(TraceEngineBuilder builder) {
        return closeAfter(builder.exporter(exporter).build());
    }

    @Test
    void publishedSpansArriveIntactWithEveryField() {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(64).maxExportBatchSize(100));
        Utf8Constant event = Utf8Constant.of("retry");
        StringBuilder route = new StringBuilder();
        for (long id = 1; id <= 1000; id++) {
            route.setLength(0);
            route.append("/orders/").append(id); // reused builder: encoded at record time
            long seq = engine.claim();
            try {
                TestSpans.fill(engine.record(seq), id, route)
                        .scope(id % 3 == 0 ? TestSpans.OTHER_SCOPE : TestSpans.SCOPE)
                        .parentSpanId(id + 1_000_000)
                        .status(id % 2 == 0 ? StatusCode.ERROR : StatusCode.OK, id % 2 == 0 ? "boom" : null)
                        .addEvent(event, 42L)
                        .eventAttributes().attribute(TestSpans.SEQ, id);
            } finally {
                engine.publish(seq);
            }
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));

        List<ExportTraceServiceRequest> requests = exporter.decodedRequests();
        assertEquals(10, requests.size(), "1000 spans in batches of 100");
        Map<Long, Span> byId = new HashMap<>();
        for (ExportTraceServiceRequest request : requests) {
            assertEquals(1, request.getResourceSpansCount());
            request.getResourceSpans(0).getScopeSpansList().forEach(scopeSpans -> {
                String scope = scopeSpans.getScope().getName();
                for (Span span : scopeSpans.getSpansList()) {
                    long id = idLong(span.getSpanId(), 0);
                    assertEquals(id % 3 == 0 ? "io.ringtrace.other" : "io.ringtrace.test", scope);
                    assertEquals(null, byId.put(id, span), "span " + id + " arrived twice");
                }
            });
        }
        assertEquals(1000, byId.size());
        for (long id = 1; id <= 1000; id++) {
            Span span = byId.get(id);
            assertEquals(TestSpans.traceHigh(id), idLong(span.getTraceId(), 0));
            assertEquals(TestSpans.traceLow(id), idLong(span.getTraceId(), 8));
            assertEquals(id + 1_000_000, idLong(span.getParentSpanId(), 0));
            assertEquals("GET /orders/{id}", span.getName());
            assertEquals(Span.SpanKind.SPAN_KIND_SERVER, span.getKind());
            assertEquals(1_700_000_000_000_000_000L + id, span.getStartTimeUnixNano());
            Map<String, KeyValue> attributes = new HashMap<>();
            span.getAttributesList().forEach(kv -> attributes.put(kv.getKey(), kv));
            assertEquals("/orders/" + id, attributes.get("http.route").getValue().getStringValue());
            assertEquals(200, attributes.get("http.status_code").getValue().getIntValue());
            assertEquals(0.5, attributes.get("ratio").getValue().getDoubleValue());
            assertTrue(attributes.get("cached").getValue().getBoolValue());
            assertEquals(1, span.getEventsCount());
            assertEquals(id, span.getEvents(0).getAttributes(0).getValue().getIntValue());
            assertEquals(id % 2 == 0 ? "boom" : "", span.getStatus().getMessage());
        }
        assertAccounting(engine, 1000, 1000);
        String serviceName = requests.get(0).getResourceSpans(0).getResource().getAttributesList().stream()
                .filter(kv -> kv.getKey().equals("service.name")).findFirst().orElseThrow().getValue().getStringValue();
        assertEquals("unknown_service:java", serviceName);
    }

    @Test
    void sealsAtMaxSpansPerRequest() {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(16).maxExportBatchSize(10));
        for (long id = 1; id <= 35; id++) {
            TestSpans.publish(engine, id, "/a");
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        int[] sizes = exporter.decodedRequests().stream()
                .mapToInt(r -> r.getResourceSpans(0).getScopeSpans(0).getSpansCount()).toArray();
        assertEquals("[10, 10, 10, 5]", java.util.Arrays.toString(sizes));
    }

    @Test
    void sealsAtMaxRequestBytes() {
        TraceEngine engine = engine(TraceEngine.builder().maxRequestBytes(2048).ringSize(64));
        String route = "x".repeat(400);
        for (long id = 1; id <= 50; id++) {
            TestSpans.publish(engine, id, route);
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertTrue(exporter.payloads().size() >= 10, "50 spans of ~500 B need >= 10 requests of 2 KiB");
        for (byte[] payload : exporter.payloads()) {
            assertTrue(payload.length <= 2048, "request of " + payload.length + " bytes");
        }
        assertEquals(50, exporter.decodedSpans().size());
        assertAccounting(engine, 50, 50);
    }

    @Test
    void partialBatchIsSealedWithinTheScheduleDelayWithoutNewSpans() throws InterruptedException {
        // 1 s delay so that the bound below (delay + 900 ms) has scheduling slack for a loaded 2-core
        // machine and still fails for a linger check that only fires on a whole-delay period (2 x delay)
        long delayMillis = 1000;
        TraceEngine engine = engine(TraceEngine.builder().scheduleDelay(Duration.ofMillis(delayMillis)));
        long start = System.nanoTime();
        TestSpans.publish(engine, 1, "/a");
        TestSpans.publish(engine, 2, "/b");
        while (exporter.exportCalls() == 0 && System.nanoTime() - start < 5_000_000_000L) {
            Thread.sleep(1);
        }
        long elapsedMillis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(1, exporter.exportCalls());
        assertTrue(elapsedMillis >= delayMillis / 2, "sealed too early: " + elapsedMillis + " ms");
        // the schedule delay is the bound; 900 ms of slack for scheduling, still under 2 x delay
        assertTrue(elapsedMillis <= delayMillis + 900, "partial batch waited " + elapsedMillis + " ms");
        assertEquals(2, exporter.decodedSpans().size());
    }

    @Test
    void spanLargerThanARequestIsDroppedAndCounted() {
        SpanLimits limits = SpanLimits.builder().attributeBytes(8192).build();
        TraceEngine engine = engine(TraceEngine.builder().maxRequestBytes(1024).spanLimits(limits).ringSize(8));
        TestSpans.publish(engine, 1, "/small");
        TestSpans.publish(engine, 2, "y".repeat(2000));
        TestSpans.publish(engine, 3, "/small");
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(2, exporter.decodedSpans().size());
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(1, stats.dropped(DropReason.SPAN_TOO_LARGE));
        assertAccounting(engine, 3, 2);
    }

    @Test
    void aReusedSlotIsCleanWhenClaimedAgain() {
        // ring of 2: the third claim reuses the first span's slot, which the serializer only read
        TraceEngine engine = engine(TraceEngine.builder().ringSize(2));
        for (int i = 1; i <= 2; i++) {
            long seq = engine.claim();
            engine.record(seq).scope(TestSpans.SCOPE).traceId(1, i).spanId(i).name(TestSpans.NAME)
                    .startEpochNanos(10).endEpochNanos(20).attribute(TestSpans.ROUTE, "/full").addEvent(TestSpans.NAME, 5).status(StatusCode.ERROR, "bad");
            engine.publish(seq);
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        long seq = engine.claim();
        io.ringtrace.codec.SpanRecord reused = engine.record(seq);
        assertEquals(io.ringtrace.codec.InstrumentationScope.empty(), reused.scope());
        assertEquals(0, reused.attributeCount());
        assertEquals(0, reused.eventCount());
        assertEquals(StatusCode.UNSET, reused.statusCode());
        assertFalse(reused.hasValidIds());
        assertEquals(0, reused.startEpochNanos() | reused.endEpochNanos());
        // no scope this time: the span goes out scope-less
        reused.traceId(1, 3).spanId(3).name(TestSpans.NAME).startEpochNanos(10).endEpochNanos(20);
        engine.publish(seq);
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        ExportTraceServiceRequest last = exporter.decodedRequests().get(exporter.decodedRequests().size() - 1);
        assertEquals("", last.getResourceSpans(0).getScopeSpans(0).getScope().getName());
        Span span = last.getResourceSpans(0).getScopeSpans(0).getSpans(0);
        assertEquals(0, span.getAttributesCount());
        assertEquals(0, span.getEventsCount());
        assertFalse(span.hasStatus());
    }

    @Test
    void slotPublishedWithoutIdsIsCountedInvalidAndTheStreamGoesOn() {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(8));
        long seq = engine.claim();
        engine.record(seq).name(TestSpans.NAME); // no ids: a producer bug
        engine.publish(seq);
        TestSpans.publish(engine, 7, "/ok");
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertEquals(1, engine.stats(new EngineStats()).dropped(DropReason.INVALID_SPAN));
        assertEquals(1, exporter.decodedSpans().size());
        assertAccounting(engine, 2, 1);
    }

    @Test
    void misuseOfSequencesGetsClearExceptions() {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(8));
        assertThrows(IllegalArgumentException.class, () -> engine.record(TraceEngine.RING_FULL));
        assertThrows(IllegalArgumentException.class, () -> engine.publish(TraceEngine.CLOSED));
        assertThrows(IllegalStateException.class, () -> engine.publish(1_000), "never claimed");
        long seq = engine.claim();
        TestSpans.fill(engine.record(seq), 1, "/a");
        engine.publish(seq);
        assertThrows(IllegalStateException.class, () -> engine.publish(seq), "published twice");
        for (long id = 2; id <= 20; id++) { // lap the ring
            TestSpans.publish(engine, id, "/a");
        }
        assertThrows(IllegalStateException.class, () -> engine.publish(seq), "published a lap ago");
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertAccounting(engine, 20, 20);
    }

    @Test
    void tryClaimReportsAFullRingWithoutBlockingAndCountsIt() {
        exporter.mode(InMemorySpanExporter.Mode.HOLD);
        TraceEngine engine = engine(TraceEngine.builder().ringSize(4).requestBuffers(1).maxExportBatchSize(1));
        int published = 0;
        int full = 0;
        for (long id = 1; id <= 100; id++) {
            long seq = engine.tryClaim();
            if (seq == TraceEngine.RING_FULL) {
                full++;
                continue;
            }
            TestSpans.fill(engine.record(seq), id, "/a");
            engine.publish(seq);
            published++;
        }
        assertTrue(full > 0, "the held buffer must back the ring up");
        assertEquals(full, engine.stats(new EngineStats()).dropped(DropReason.RING_FULL));
        while (exporter.completeHeld(100) > 0 || !engine.flush(Duration.ofMillis(50))) {
            exporter.completeHeld(100);
        }
        assertAccounting(engine, 100, published);
    }

    @Test
    void failedAndPartiallyRejectedRequestsAreCounted() {
        TraceEngine engine = engine(TraceEngine.builder().ringSize(16).maxExportBatchSize(10));
        exporter.mode(InMemorySpanExporter.Mode.FAIL);
        for (long id = 1; id <= 10; id++) {
            TestSpans.publish(engine, id, "/a");
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        exporter.mode(InMemorySpanExporter.Mode.SUCCEED);
        exporter.rejectPerRequest(3);
        for (long id = 11; id <= 20; id++) {
            TestSpans.publish(engine, id, "/a");
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(10, stats.dropped(DropReason.EXPORT_FAILED));
        assertEquals(3, stats.dropped(DropReason.REJECTED));
        assertEquals(1, stats.requestsFailed());
        assertAccounting(engine, 20, 7);
    }

    @Test
    void flushReportsATimeoutWhileTheExporterHoldsRequests() {
        exporter.mode(InMemorySpanExporter.Mode.HOLD);
        TraceEngine engine = engine(TraceEngine.builder().ringSize(16));
        TestSpans.publish(engine, 1, "/a");
        assertFalse(engine.flush(Duration.ofMillis(100)));
        assertEquals(1, exporter.heldCount(), "flush sealed the partial batch at once");
        assertEquals(1, engine.stats(new EngineStats()).inFlight());
        exporter.completeHeld(1);
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        assertAccounting(engine, 1, 1);
    }

    /** published = exported + dropped + inFlight, with inFlight 0 at this quiescent point. */
    static void assertAccounting(TraceEngine engine, long published, long exported) {
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(published, stats.published(), stats::toString);
        assertEquals(exported, stats.exported(), stats::toString);
        assertEquals(0, stats.inFlight(), stats::toString);
        assertEquals(stats.published(), stats.exported() + stats.droppedTotal() + stats.inFlight(), stats::toString);
    }
}
