package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.engine.internal.jmx.EngineMBean;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import javax.management.ObjectName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A ring-API slot claimed and not published (a preempted producer, or one that never publishes)
 * holds back the slots after it, but must not make the serializer spin, and must not stop linger
 * and flush from shipping what the serializer already consumed.
 */
class HeldSlotTest extends LeakCheckingTestBase {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long HOLD_NANOS = Duration.ofSeconds(2).toNanos();

    @ParameterizedTest
    @EnumSource(value = WaitStrategyType.class, names = {"SLEEPING", "BLOCKING"})
    void aHeldSlotNeitherSpinsTheSerializerNorStopsLingerAndFlush(WaitStrategyType type) throws Exception {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        String name = "held-" + type;
        TraceEngine engine = closeAfter(TraceEngine.builder().name(name).exporter(exporter).waitStrategy(type)
                .ringSize(64).scheduleDelay(Duration.ofMillis(100)).build());
        Thread serializer = ThreadAllocation.named("ringtrace-serializer-" + name);
        assertTrue(THREADS.isThreadCpuTimeSupported());

        TestSpans.publish(engine, 1, "/a"); // span A
        long held = engine.claim();         // claimed, held for 2 s
        long start = System.nanoTime();
        long cpuBefore = THREADS.getThreadCpuTime(serializer.getId());
        long arrivedNanos = -1;
        while (System.nanoTime() - start < HOLD_NANOS) {
            if (arrivedNanos < 0 && exporter.exportCalls() > 0) {
                arrivedNanos = System.nanoTime() - start;
            }
            Thread.sleep(5);
        }
        long cpuNanos = THREADS.getThreadCpuTime(serializer.getId()) - cpuBefore;
        EngineStats stats = engine.stats(new EngineStats());

        assertTrue(arrivedNanos >= 0 && arrivedNanos < Duration.ofSeconds(1).toNanos(),
                "span A reaches the exporter within 1 s by linger, while a later slot is held (arrived: "
                        + (arrivedNanos < 0 ? "never" : arrivedNanos / 1_000_000 + " ms") + "; serializer CPU "
                        + cpuNanos / 1_000_000 + " ms)");
        assertTrue(cpuNanos < Duration.ofMillis(200).toNanos(),
                "the serializer thread used " + cpuNanos / 1_000_000 + " ms of CPU in the 2 s the slot was held");
        assertEquals(1, stats.slotsHeldTooLong(), "the slot held past the bound is reported once: " + stats);
        assertTrue(stats.heldSlotMillis() >= 1_000, "and the current hold is shown: " + stats);
        ObjectName mbean = EngineMBean.objectName(name);
        assertEquals(1L, ManagementFactory.getPlatformMBeanServer().getAttribute(mbean, "SlotsHeldTooLong"));
        assertTrue((Long) ManagementFactory.getPlatformMBeanServer().getAttribute(mbean, "HeldSlotMillis") >= 1_000);
        assertEquals(1, stats.exported());
        assertEquals(1, stats.inFlight(), "the held slot: " + stats);

        TestSpans.publish(engine, 3, "/c"); // published behind the held slot: waits for it
        assertFalse(engine.flush(Duration.ofMillis(200)), "a span behind the held slot cannot be exported yet");
        try {
            TestSpans.fill(engine.record(held), 2, "/b");
        } finally {
            engine.publish(held);
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        RingApiTest.assertAccounting(engine, 3, 3);
        stats = engine.stats(stats);
        assertEquals(1, stats.slotsHeldTooLong(), stats::toString);
        assertEquals(0, stats.heldSlotMillis(), stats::toString);
    }

    @ParameterizedTest
    @EnumSource(value = WaitStrategyType.class, names = {"SLEEPING", "BLOCKING"})
    void flushShipsWhatWasPublishedWhileALaterSlotIsHeld(WaitStrategyType type) {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter).waitStrategy(type).ringSize(64)
                .scheduleDelay(Duration.ofSeconds(30)).build());
        TestSpans.publish(engine, 1, "/a");
        long held = engine.claim();
        try {
            assertTrue(engine.flush(Duration.ofSeconds(5)), "flush covers the published span, not the held claim");
            assertEquals(1, exporter.decodedSpans().size());
        } finally {
            TestSpans.fill(engine.record(held), 2, "/b");
            engine.publish(held);
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));
        RingApiTest.assertAccounting(engine, 2, 2);
    }

    @ParameterizedTest
    @EnumSource(value = WaitStrategyType.class, names = {"SLEEPING", "BLOCKING"})
    void closeShipsWhatIsBeforeASlotNeverPublishedAndCountsTheSlot(WaitStrategyType type) {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = closeAfter(TraceEngine.builder().exporter(exporter).waitStrategy(type).ringSize(64)
                .scheduleDelay(Duration.ofSeconds(30)).build());
        TestSpans.publish(engine, 1, "/a");
        assertTrue(engine.claim() >= 0); // a producer that failed before publishing: never published
        long start = System.nanoTime();
        boolean clean = engine.close(Duration.ofSeconds(10));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        EngineStats stats = engine.stats(new EngineStats());
        assertEquals(1, exporter.decodedSpans().size(), "the span before the held slot is exported: " + stats);
        assertFalse(clean, "the held slot is lost");
        // close waits for a claim in progress up to the held-slot bound (1 s), not for its whole deadline
        assertTrue(tookMillis < 5_000, "close took " + tookMillis + " ms");
        assertEquals(2, stats.published(), stats::toString);
        assertEquals(1, stats.exported(), stats::toString);
        assertEquals(1, stats.dropped(io.ringtrace.engine.export.DropReason.SHUTDOWN), stats::toString);
        assertEquals(0, stats.inFlight(), stats::toString);
    }
}
