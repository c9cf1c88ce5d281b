package io.ringtrace.engine;

import io.ringtrace.codec.RecordWriter;
import java.util.function.LongFunction;

/**
 * A ring's memory: one heap {@code byte[]} of {@code ringSize x slotBytes}, each slot one record in
 * its signal's compact format ({@link io.ringtrace.codec.SpanSlot}, {@link
 * io.ringtrace.codec.LogSlot}), plus the {@link OverflowBuffers} for records bigger than a slot. The
 * Disruptor's event objects are small record flyweights ({@code R}), each over its own slot
 * ({@code sequence & mask}); they hold no record data, only where it is and the record's scope.
 *
 * <p>Why a heap array: no {@code Unsafe} on the producers' side (JDK 24 and later warn about it),
 * the memory is GC-visible and freed with the engine, a pooled record's hand-off is one {@code
 * System.arraycopy}, and the encoder copies from it in bulk. Consecutive sequences are consecutive
 * slots, so a burst of records fills consecutive cache lines and pages.
 *
 * <p>The producer writes a slot (and any overflow buffer it points at) before publishing it, and
 * the serializer reads it after the ring's barrier: the ring's publication orders them.
 *
 * @param <R> the record writer of the signal
 */
final class RingSlots<R extends RecordWriter<R>> {

    /**
     * Heap per slot besides its bytes: the flyweight object (48 bytes with compressed references),
     * the ring's reference to it and the ring's availability flag for the slot (4 bytes each).
     */
    static final int FLYWEIGHT_BYTES = 56;

    final byte[] area;
    final int slotBytes;
    final int mask;
    final OverflowBuffers overflow;
    final RecordFormat<R> format;
    /** The flyweights made so far, until {@link #checkOrder} has compared them with the ring's entries. */
    private Object[] made;
    private int created;

    /**
     * @param ringSize the ring's slots (a power of two)
     * @param slotBytes bytes per slot
     * @param overflowBuffers the buffers for bigger records
     * @param format the signal's slot format
     */
    RingSlots(int ringSize, int slotBytes, int overflowBuffers, RecordFormat<R> format) {
        this.area = new byte[Math.multiplyExact(ringSize, slotBytes)];
        this.slotBytes = slotBytes;
        this.mask = ringSize - 1;
        this.overflow = new OverflowBuffers(overflowBuffers, format.maxRecordBytes());
        this.format = format;
        this.made = new Object[ringSize];
    }

    /**
     * @param ringSize the ring's slots
     * @param slotBytes bytes per slot
     * @param overflowBuffers the overflow buffers
     * @param maxRecordBytes bytes of each overflow buffer
     * @return the heap they take: {@code ringSize x (slotBytes + FLYWEIGHT_BYTES)} plus the overflow pool
     */
    static long heapBytes(int ringSize, int slotBytes, int overflowBuffers, int maxRecordBytes) {
        return (long) ringSize * (slotBytes + FLYWEIGHT_BYTES) + 16 + OverflowBuffers.heapBytes(overflowBuffers, maxRecordBytes);
    }

    /** The ring's event factory: the flyweight of the next slot, in slot order (the ring fills its entries in order). */
    R newFlyweight() {
        int index = created++;
        R flyweight = format.flyweight(area, index * slotBytes, slotBytes, overflow);
        made[index] = flyweight;
        return flyweight;
    }

    /**
     * Checks, once at build, that the ring's entry of each sequence is the flyweight over that
     * sequence's slot, which the serializer finds as {@code sequence & mask}.
     *
     * @param entry the ring's entry of a sequence
     */
    void checkOrder(LongFunction<R> entry) {
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
