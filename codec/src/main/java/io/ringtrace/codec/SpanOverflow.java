package io.ringtrace.codec;

/**
 * Where a record over a ring slot ({@link SpanRecord}, {@link LogRecordWriter}) goes when it
 * outgrows the slot: a bounded pool of buffers, each at least the format's largest record ({@link
 * SpanSlot#maxSpanBytes(SpanLimits)}, {@link LogSlot#maxRecordBytes(LogLimits)}). The record claims
 * one (any producer thread) and writes the slot's pointer to it; whoever reads the record returns
 * it and clears the pointer, and a record reset before it was read returns it itself. One pool
 * serves one ring, so one signal. Implementations must not allocate.
 */
public interface SpanOverflow {

    /** @return the index of a buffer now owned by the caller, or -1 if none is free */
    int claim();

    /** @param index a claimed buffer's index @return that buffer */
    byte[] buffer(int index);

    /** @param index a claimed buffer's index, given back (any thread) */
    void release(int index);
}
