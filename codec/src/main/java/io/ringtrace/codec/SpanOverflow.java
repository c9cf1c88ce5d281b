package io.ringtrace.codec;

/**
 * Where a {@link SpanRecord} over a ring slot goes when its span outgrows the slot: a bounded pool
 * of buffers, each at least {@link SpanSlot#maxSpanBytes(SpanLimits)} bytes. The record claims one
 * (any producer thread), writes the slot's pointer to it, and whoever reads the span returns it.
 * Implementations must not allocate.
 */
public interface SpanOverflow {

    /** @return the index of a buffer now owned by the caller, or -1 if none is free */
    int claim();

    /** @param index a claimed buffer's index @return that buffer */
    byte[] buffer(int index);
}
