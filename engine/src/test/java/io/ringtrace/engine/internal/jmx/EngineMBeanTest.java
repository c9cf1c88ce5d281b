package io.ringtrace.engine.internal.jmx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Utf8Constant;
import io.ringtrace.engine.EngineStats;
import io.ringtrace.engine.Span;
import io.ringtrace.engine.TraceEngine;
import io.ringtrace.engine.TraceEngineBuilder;
import io.ringtrace.engine.Tracer;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class EngineMBeanTest extends LeakCheckingTestBase {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();
    private static final Utf8Constant NAME = Utf8Constant.of("work");
    private static final Utf8Constant KEY = Utf8Constant.of("i");
    private static final String[] ALL = EngineMBean.attributeNames().toArray(new String[0]);

    /** Attributes that only grow: before <= MBean <= after for snapshots taken around the MBean read. */
    private static final String[] MONOTONIC = {"Published", "Exported", "DroppedTotal", "DroppedRingFull",
        "DroppedPoolExhausted", "DroppedSpanTooLarge", "DroppedShutdown", "DroppedExportFailed", "DroppedRejected",
        "RequestsSent", "RequestsFailed", "BytesSent", "Retries", "ExportLatencyCount", "RejectedCompletions",
        "SlotsHeldTooLong"};

    private static Map<String, Object> read(ObjectName name) throws Exception {
        AttributeList list = SERVER.getAttributes(name, ALL);
        Map<String, Object> values = new HashMap<>();
        for (Attribute a : list.asList()) {
            values.put(a.getName(), a.getValue());
        }
        assertEquals(ALL.length, values.size(), "attributes missing: " + values.keySet());
        return values;
    }

    private static long api(EngineStats s, String attribute) {
        switch (attribute) {
            case "Published": return s.published();
            case "Exported": return s.exported();
            case "InFlight": return s.inFlight();
            case "DroppedTotal": return s.droppedTotal();
            case "RingBacklog": return s.ringBacklog();
            case "OpenRequestSpans": return s.openRequestSpans();
            case "RequestSpansOutstanding": return s.requestSpansOutstanding();
            case "RequestsSent": return s.requestsSent();
            case "RequestsFailed": return s.requestsFailed();
            case "BytesSent": return s.bytesSent();
            case "Retries": return s.retries();
            case "RejectedCompletions": return s.rejectedCompletions();
            case "SlotsHeldTooLong": return s.slotsHeldTooLong();
            case "HeldSlotMillis": return s.heldSlotMillis();
            case "ExportLatencyCount": return s.exportLatency().count();
            case "RingCapacity": return s.ringCapacity();
            case "RequestBuffers": return s.requestBuffers();
            case "RequestBuffersInUse": return s.requestBuffersInUse();
            case "OffHeapBytesHeld": return s.offHeapBytesHeld();
            case "ExportLatencyMaxMicros": return s.exportLatency().maxNanos() / 1_000;
            case "ExportLatencyP99Micros": return s.exportLatency().percentileNanos(99) / 1_000;
            default:
                for (DropReason r : DropReason.values()) {
                    if (attribute.equals("Dropped" + camel(r.name()))) {
                        return s.dropped(r);
                    }
                }
                throw new IllegalArgumentException(attribute);
        }
    }

    private static String camel(String constant) {
        StringBuilder s = new StringBuilder();
        for (String part : constant.split("_")) {
            s.append(part.charAt(0)).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
        }
        return s.toString();
    }

    private static long number(Map<String, Object> values, String attribute) {
        return ((Number) values.get(attribute)).longValue();
    }

    @Test
    void theMBeanIsRegisteredOnBuildAndUnregisteredOnClose() throws Exception {
        ObjectName name = EngineMBean.objectName("mbean-life");
        assertEquals("io.ringtrace:type=Engine,name=mbean-life", name.toString());
        TraceEngine engine = closeAfter(TraceEngine.builder().name("mbean-life").exporter(new InMemorySpanExporter()).build());
        assertTrue(SERVER.isRegistered(name));
        assertEquals("mbean-life", SERVER.getAttribute(name, "EngineName"));
        assertEquals(TraceEngineBuilder.DEFAULT_RING_SIZE, SERVER.getAttribute(name, "RingCapacity"));

        // A second engine with the same name gets the next free name instead of failing.
        TraceEngine twin = closeAfter(TraceEngine.builder().name("mbean-life").exporter(new InMemorySpanExporter()).build());
        ObjectName twinName = EngineMBean.objectName("mbean-life-2");
        assertTrue(SERVER.isRegistered(twinName));
        twin.close();
        assertFalse(SERVER.isRegistered(twinName));
        assertTrue(SERVER.isRegistered(name));

        engine.close();
        assertFalse(SERVER.isRegistered(name), "MBean still registered after close");
    }

    @Test
    void attributesMatchTheApiSnapshotUnderLoad() throws Exception {
        InMemorySpanExporter exporter = new InMemorySpanExporter();
        TraceEngine engine = closeAfter(TraceEngine.builder().name("mbean-load").ringSize(256)
                .maxExportBatchSize(64).scheduleDelay(Duration.ofMillis(20)).exporter(exporter).build());
        ObjectName name = EngineMBean.objectName("mbean-load");
        Tracer tracer = engine.tracer(InstrumentationScope.of("mbean-test"));

        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch started = new CountDownLatch(2);
        Thread[] producers = new Thread[2];
        for (int p = 0; p < producers.length; p++) {
            producers[p] = new Thread(() -> {
                started.countDown();
                long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos(); // bounded in time...
                for (int i = 0; i < 2_000_000 && !stop.get() && System.nanoTime() < deadline; i++) { // ...and count
                    Span span = tracer.start(NAME);
                    span.attribute(KEY, i);
                    span.end();
                }
            }, "mbean-test-producer-" + p);
            producers[p].start();
        }
        started.await();

        EngineStats before = new EngineStats();
        EngineStats after = new EngineStats();
        int reads = 0;
        for (; reads < 30; reads++) {
            engine.stats(before);
            Map<String, Object> mbean = read(name);
            engine.stats(after);
            for (String attribute : MONOTONIC) {
                long value = number(mbean, attribute);
                assertTrue(api(before, attribute) <= value && value <= api(after, attribute),
                        attribute + ": " + api(before, attribute) + " <= " + value + " <= " + api(after, attribute));
            }
            // One snapshot per getAttributes call: its own values satisfy the accounting equation.
            assertEquals(number(mbean, "Published"),
                    number(mbean, "Exported") + number(mbean, "DroppedTotal") + number(mbean, "InFlight"));
            assertTrue(number(mbean, "InFlight") >= 0);
            assertTrue(number(mbean, "RingBacklog") <= 256);
            assertTrue(number(mbean, "RequestBuffersInUse") <= number(mbean, "RequestBuffers"));
            Thread.sleep(10);
        }
        stop.set(true);
        for (Thread t : producers) {
            t.join(10_000);
        }
        assertTrue(engine.flush(Duration.ofSeconds(10)));

        // Quiescent: the MBean and the API agree exactly, and the accounting equation holds.
        engine.stats(before);
        Map<String, Object> mbean = read(name);
        for (String attribute : new String[] {"Published", "Exported", "InFlight", "DroppedTotal", "DroppedRingFull",
            "DroppedPoolExhausted", "DroppedShutdown", "RequestsSent", "RequestsFailed", "BytesSent", "Retries",
            "ExportLatencyCount", "ExportLatencyMaxMicros", "ExportLatencyP99Micros", "RingBacklog", "OpenRequestSpans",
            "RequestSpansOutstanding", "RingCapacity", "RequestBuffers", "RequestBuffersInUse", "OffHeapBytesHeld",
            "RejectedCompletions", "SlotsHeldTooLong", "HeldSlotMillis"}) {
            assertEquals(api(before, attribute), number(mbean, attribute), attribute);
        }
        assertTrue(number(mbean, "Published") > 0, "nothing was published");
        assertEquals(number(mbean, "Published"),
                number(mbean, "Exported") + number(mbean, "DroppedTotal") + number(mbean, "InFlight"));
        assertEquals(0, number(mbean, "InFlight"));
        assertEquals(number(mbean, "RequestsSent"), number(mbean, "ExportLatencyCount"));
        assertEquals(0.0, (Double) mbean.get("RingOccupancyPercent"));
        assertEquals(Boolean.FALSE, mbean.get("Closed"));
        assertEquals(Boolean.FALSE, mbean.get("LeakDetectorEnabled"));
        assertTrue(reads > 0);
    }

    @Test
    void theMBeanShowsTheGcMonitorsReadings() throws Exception {
        TraceEngine engine = closeAfter(TraceEngine.builder().name("mbean-gc").exporter(new InMemorySpanExporter()).build());
        ObjectName name = EngineMBean.objectName("mbean-gc");
        System.gc();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (((Number) SERVER.getAttribute(name, "GcCount")).longValue() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        Map<String, Object> values = read(name);
        assertTrue(number(values, "GcCount") >= 1);
        assertTrue(((String) values.get("GcLastCause")).endsWith(": System.gc()"), (String) values.get("GcLastCause"));
        assertTrue(number(values, "HeapUsedAfterGcBytes") > 0);
        assertEquals(Runtime.getRuntime().maxMemory(), number(values, "HeapMaxBytes"));
        assertTrue(number(values, "OffHeapBytesHeld") > 0);
        assertEquals(engine.offHeapBytesHeld(), number(values, "OffHeapBytesHeld"));
        List<String> names = EngineMBean.attributeNames();
        assertEquals(names.size(), SERVER.getMBeanInfo(name).getAttributes().length);
    }
}
