package io.ringtrace.engine;

import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.SpanSlot;

/**
 * The ring's memory: one heap {@code byte[]} of {@code ringSize x slotBytes}, each slot one span in
 * the compact {@link SpanSlot} format, plus the {@link OverflowBuffers} for spans bigger than a
 * slot. The Disruptor's event objects are small {@link SpanRecord} flyweights, each over its own
 * slot ({@code sequence & mask}); they hold no span data, only where it is and the span's scope.
 *
 * <p>Why a heap array: no {@code Unsafe} on the producers' side (JDK 24 and later warn about it),
 * the memory is GC-visible and freed with the engine, the span API's hand-off is one {@code
 * System.arraycopy}, and the encoder copies from it in bulk. Consecutive sequences are consecutive
 * slots, so a burst of spans fills consecutive cache lines and pages.
 *
 * <p>The producer writes a slot (and any overflow buffer it points at) before publishing it, and
 * the serializer reads it after the ring's barrier: the ring's publication orders them.
 */
final class SpanSlots {

    /**
     * Heap per slot besides its bytes: the flyweight object (48 bytes with compressed references),
     * the ring's reference to it and the ring's availability flag for the slot (4 bytes each).
     */
    static final int FLYWEIGHT_BYTES = 56;

    final byte[] area;
    final int slotBytes;
    final int mask;
    final OverflowBuffers overflow;
    private final SpanLimits limits;
    /** The flyweights made so far, until {@link #checkOrder} has compared them with the ring's entries. */
    private SpanRecord[] made;
    private int created;

    /**
     * @param ringSize the ring's slots (a power of two)
     * @param slotBytes bytes per slot ({@link SpanSlot#isValidSlotBytes(int)})
     * @param overflowBuffers the buffers for bigger spans
     * @param limits the span limits
     */
    SpanSlots(int ringSize, int slotBytes, int overflowBuffers, SpanLimits limits) {
        this.area = new byte[Math.multiplyExact(ringSize, slotBytes)];
        this.slotBytes = slotBytes;
        this.mask = ringSize - 1;
        this.overflow = new OverflowBuffers(overflowBuffers, limits);
        this.limits = limits;
        this.made = new SpanRecord[ringSize];
    }

    /**
     * @param ringSize the ring's slots
     * @param slotBytes bytes per slot
     * @param overflowBuffers the overflow buffers
     * @param limits the span limits
     * @return the heap they take: {@code ringSize x (slotBytes + FLYWEIGHT_BYTES)} plus the overflow pool
     */
    static long heapBytes(int ringSize, int slotBytes, int overflowBuffers, SpanLimits limits) {
        return (long) ringSize * (slotBytes + FLYWEIGHT_BYTES) + 16 + OverflowBuffers.heapBytes(overflowBuffers, limits);
    }

    /** The ring's event factory: the flyweight of the next slot, in slot order (the ring fills its entries in order). */
    SpanRecord newFlyweight() {
        int index = created++;
        SpanRecord flyweight = new SpanRecord(limits, area, index * slotBytes, slotBytes, overflow);
        made[index] = flyweight;
        return flyweight;
    }

    /**
     * Checks, once at build, that the ring's entry of each sequence is the flyweight over that
     * sequence's slot, which the serializer finds as {@code sequence & mask}.
     *
     * @param entry the ring's entry of a sequence
     */
    void checkOrder(java.util.function.LongFunction<SpanRecord> entry) {
        for (int i = 0; i < made.length; i++) {
            if (entry.apply(i) != made[i]) {
                throw new IllegalStateException("the ring's entry " + i + " is not the flyweight of slot " + i);
            }
        }
        made = null;
    }

    /** @return where the slot of {@code sequence} starts in {@link #area} */
    int base(long sequence) {
        return (int) (sequence & mask) * slotBytes;
    }
}
