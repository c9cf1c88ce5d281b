package io.ringtrace.engine;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.SpanRecord;

/**
 * The span API's hand-off area: for each ring slot, {@value #SLOT_BYTES} bytes in one array, into
 * which {@code Span.end()} packs the span ({@link SpanRecord#packInto(byte[], int)}) instead of
 * copying it into the slot's own {@link SpanRecord}. A span too big for that falls back to the
 * copy; ring-API slots are filled in place as before.
 *
 * <p>Why: the slot records are spread over the ring (8,192 x 8.4 KB = 69 MB with the defaults), so
 * a copy writes 2-3 pages per span, each last written a whole ring earlier. On the VMs we measure
 * on, those stores made the producer's p50 swing between ~0.2 and ~0.8 us from one run to the next.
 * Consecutive sequences pack into consecutive places here, 8 spans to a 4 KiB page.
 *
 * <p>Bound: {@code ringSize x} {@value #SLOT_BYTES} bytes of heap (4 MiB for 8,192 slots), plus a
 * flag and a scope reference per slot. A ring of more than {@value #MAX_PACKED_RING} slots does
 * without it (every span is copied into its slot).
 *
 * <p>The producer writes a slot's entry before publishing the slot, and the serializer reads it
 * after the ring's barrier: the ring's publication orders them, as it does the slot's record.
 */
final class PackedSlots {

    /** Bytes per slot: room for a typical span (a ~150-byte header, name, a dozen attributes, events). */
    static final int SLOT_BYTES = 512;
    /** Largest ring with a packing area: 2^21 x 512 = 1 GiB (a Java array holds at most 2^31 - 1 bytes). */
    static final int MAX_PACKED_RING = 1 << 21;

    private final int mask;
    /** {@code ringSize x SLOT_BYTES}, or null for a ring larger than {@link #MAX_PACKED_RING}. */
    private final byte[] bytes;
    /** Whether the slot's span is packed here (true) or in the slot's own record (false). */
    private final boolean[] packed;
    /** The packed span's scope (a packed span holds no references). */
    private final InstrumentationScope[] scope;
    /** The serializer's record to unpack into (serializer thread only). */
    private final SpanRecord unpacked;

    /**
     * @param ringSize the ring's slots (a power of two)
     * @param limits the span limits of every record
     */
    /**
     * @param ringSize the ring's slots
     * @return the heap a packing area for that ring takes: the packed bytes (up to {@link
     *     #MAX_PACKED_RING} slots), a flag and a reference per slot
     */
    static long heapBytes(int ringSize) {
        long packedBytes = ringSize <= MAX_PACKED_RING ? (long) ringSize * SLOT_BYTES : 0;
        return packedBytes + ringSize * (1L + 8L);
    }

    PackedSlots(int ringSize, SpanLimits limits) {
        this.mask = ringSize - 1;
        this.bytes = ringSize <= MAX_PACKED_RING ? new byte[ringSize * SLOT_BYTES] : null;
        this.packed = new boolean[ringSize];
        this.scope = new InstrumentationScope[ringSize];
        this.unpacked = new SpanRecord(limits);
    }

    // ------------------------------------------------------------------ producers

    /**
     * Packs {@code span} for the claimed slot {@code sequence}, if it fits (before publishing it).
     *
     * @return true if packed; false if the span is too big, and the caller must copy it into the slot
     */
    boolean tryPack(long sequence, SpanRecord span) {
        int i = (int) (sequence & mask);
        if (bytes == null || span.packedSize() > SLOT_BYTES) {
            inSlot(sequence);
            return false;
        }
        span.packInto(bytes, i * SLOT_BYTES);
        InstrumentationScope spanScope = span.scope();
        if (scope[i] != spanScope) {
            scope[i] = spanScope; // only when it changes: a reference store costs a G1 card mark
        }
        if (!packed[i]) {
            packed[i] = true;
        }
        return true;
    }

    /** The slot's span is in the slot's own record (ring API, or too big to pack; before publishing it). */
    void inSlot(long sequence) {
        int i = (int) (sequence & mask);
        if (packed[i]) {
            packed[i] = false;
        }
    }

    // ------------------------------------------------------------------ the serializer

    /**
     * @param sequence a published slot's sequence
     * @param slot that slot's record
     * @return the slot's span: {@code slot} itself, or its packed span unpacked into a record the
     *     serializer reuses (valid until the next call)
     */
    SpanRecord span(long sequence, SpanRecord slot) {
        int i = (int) (sequence & mask);
        if (!packed[i]) {
            return slot;
        }
        return unpacked.unpackFrom(bytes, i * SLOT_BYTES).scope(scope[i]);
    }
}
