package io.ringtrace.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.TraceRequestEncoder;
import io.ringtrace.engine.testing.InMemorySpanExporter;
import io.ringtrace.engine.testing.LeakCheckingTestBase;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import org.junit.jupiter.api.Test;

/**
 * The memory an engine holds is what the documented formula says: engines of 1,024, 8,192 (the
 * default) and 65,536 slots are built, and the heap they retain (used heap after a full GC, before
 * and after the build, {@link MemoryMXBean}) and the off-heap bytes they hold are checked against
 * {@code ringSize x (slotBytes + 64) + overflowBuffers x (maxSpanBytes + 24)} and {@code
 * requestBuffers x TraceRequestEncoder.requiredCapacity(maxRequestBytes)}; the default engine holds
 * at most 24 MB in all, a 65,536-slot one at most 48 MB.
 */
class EngineMemoryTest extends LeakCheckingTestBase {

    private static final long MB = 1_000_000;
    private static final long MIB = 1 << 20;

    @Test
    void aDefaultEngineHoldsWhatTheFormulaSaysAndAtMost24Megabytes() throws Exception {
        long total = check(TraceEngineBuilder.DEFAULT_RING_SIZE);
        assertTrue(total <= 24 * MB, "the default engine holds " + total + " bytes");
    }

    @Test
    void smallAndLargeRingsHoldWhatTheFormulaSays() throws Exception {
        check(1024);
        long total = check(65_536);
        assertTrue(total <= 48 * MB, "a 65,536-slot engine holds " + total + " bytes");
    }

    /** Builds an engine of {@code ringSize} slots, checks it against the formula; returns heap + off-heap held. */
    private long check(int ringSize) throws Exception {
        long before = usedHeapAfterGc();
        TraceEngine engine = TraceEngine.builder().name("memory").ringSize(ringSize)
                .exporter(new InMemorySpanExporter()).build();
        long retained;
        long offHeap;
        try {
            retained = usedHeapAfterGc() - before;
            offHeap = engine.offHeapBytesHeld();
        } finally {
            engine.close();
        }
        long heapFormula = TraceEngineBuilder.ringHeapBytes(ringSize, TraceEngineBuilder.DEFAULT_SLOT_BYTES,
                TraceEngineBuilder.DEFAULT_OVERFLOW_BUFFERS, SpanLimits.defaults());
        long offHeapFormula = (long) TraceEngineBuilder.DEFAULT_REQUEST_BUFFERS
                * TraceRequestEncoder.requiredCapacity(TraceEngineBuilder.DEFAULT_MAX_REQUEST_BYTES);
        assertEquals(offHeapFormula, offHeap, "off-heap bytes held");
        // generous: the engine's other objects (threads, counters, the encoder, the MBean) and G1's
        // rounding of the slot array up to whole regions (1 MiB with -Xmx1g) come on top
        assertTrue(retained >= heapFormula * 9 / 10 && retained <= heapFormula + 4 * MIB + heapFormula / 10,
                ringSize + " slots: retained " + retained + " bytes of heap, the formula says " + heapFormula);
        System.out.printf("ringSize %,d: heap retained %,d (formula %,d), off-heap %,d, total %,d%n",
                ringSize, retained, heapFormula, offHeap, retained + offHeap);
        return retained + offHeap;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(30);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
