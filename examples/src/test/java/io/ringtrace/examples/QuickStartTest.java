package io.ringtrace.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.proto.trace.v1.Span;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import io.ringtrace.testkit.OtlpHttpReceiver;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class QuickStartTest extends LeakCheckingTestBase {

    @Test
    void everyPublishedSpanArrivesWithItsNameAndAttribute() throws Exception {
        OtlpHttpReceiver receiver = closeAfter(OtlpHttpReceiver.start());

        EngineStats stats = QuickStart.publish(receiver.tracesUrl(), 1000);

        assertEquals(1000, stats.published());
        assertEquals(1000, stats.exported());
        assertEquals(0, stats.droppedTotal());
        assertEquals(0, stats.inFlight());
        receiver.awaitSpanCount(1000, Duration.ofSeconds(5));
        assertEquals(1000, receiver.spanCount());
        assertTrue(receiver.paths().stream().allMatch("/v1/traces"::equals), "over OTLP/HTTP: " + receiver.paths());
        Set<Long> orderIds = new TreeSet<>();
        for (Span span : receiver.spans()) {
            assertEquals("handle order", span.getName());
            orderIds.add(SpansOf.attribute(span, "order.id").orElseThrow().getIntValue());
        }
        assertEquals(1000, orderIds.size(), "each order.id 0..999 exactly once");
        assertEquals(0L, ((TreeSet<Long>) orderIds).first());
        assertEquals(999L, ((TreeSet<Long>) orderIds).last());
        assertEquals("quickstart", SpansOf.attribute(receiver.requests().get(0).getResourceSpans(0).getResource()
                .getAttributesList(), "service.name").orElseThrow().getStringValue());
    }
}
