package io.ringtrace.codec;

/**
 * Where a {@link SpanRecord} over a ring slot goes when its span outgrows the slot: a bounded pool
 * of buffers, each at least {@link SpanSlot#maxSpanBytes(SpanLimits)} bytes. The record claims one
 * (any producer thread) and writes the slot's pointer to it; whoever reads the span returns it
 * and clears the pointer, and a record reset before its span was read returns it itself.
 * Implementations must not allocate.
 */
public interface SpanOverflow {

    /** @return the index of a buffer now owned by the caller, or -1 if none is free */
    int claim();

    /** @param index a claimed buffer's index @return that buffer */
    byte[] buffer(int index);

    /** @param index a claimed buffer's index, given back (any thread) */
    void release(int index);
}
