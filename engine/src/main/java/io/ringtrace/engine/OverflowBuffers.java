package io.ringtrace.engine;

import io.ringtrace.codec.SpanOverflow;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * The bounded pool of buffers for records bigger than a ring slot: {@code count} heap arrays of the
 * format's largest record each ({@code SpanSlot.maxSpanBytes}, {@code LogSlot.maxRecordBytes}: any
 * record within the limits fits one), allocated at build. A producer claims one when its record
 * outgrows its slot (or, for a pooled record, when the finished record is bigger than a slot) and
 * the slot points at it; the serializer gives it back once it has encoded the record. With none
 * free the record is dropped as {@code SPAN_TOO_LARGE}, never sent cut. Claiming is a short scan
 * with one CAS per free candidate; nothing allocates.
 */
final class OverflowBuffers implements SpanOverflow {

    private static final int FREE = 0;
    private static final int TAKEN = 1;

    private final byte[][] buffers;
    /** Per buffer: {@link #FREE} or {@link #TAKEN}; the CAS that takes it orders the claimant's writes after the last reader's reads. */
    private final AtomicIntegerArray state;

    /**
     * @param count the buffers, at least 0
     * @param bufferBytes bytes of each: the format's largest record
     */
    OverflowBuffers(int count, int bufferBytes) {
        this.buffers = new byte[count][bufferBytes];
        this.state = new AtomicIntegerArray(count);
    }

    /**
     * @param count the buffers
     * @param bufferBytes bytes of each
     * @return the heap the pool takes: its buffers with their array headers, and its bookkeeping
     */
    static long heapBytes(int count, int bufferBytes) {
        return count * (align8(bufferBytes + 16L) + 8L) + 4L * count + 64;
    }

    private static long align8(long bytes) {
        return (bytes + 7) & ~7L;
    }

    /**
     * Takes a free buffer: two passes over the pool, starting at a place that differs per thread
     * (so concurrent claims rarely meet on one entry). Not exact: a buffer given back behind the
     * scan while the ones ahead are taken is missed, so size the pool with some headroom.
     */
    @Override
    public int claim() {
        int n = buffers.length;
        if (n == 0) {
            return -1;
        }
        int start = (int) (Thread.currentThread().getId() % n);
        for (int i = 0; i < 2 * n; i++) {
            int index = (start + i) % n;
            if (state.get(index) == FREE && state.compareAndSet(index, FREE, TAKEN)) {
                return index;
            }
        }
        return -1;
    }

    @Override
    public byte[] buffer(int index) {
        return buffers[index];
    }

    @Override
    public void release(int index) {
        state.set(index, FREE); // volatile store: the releaser's reads happen-before the next claimant's writes
    }

    /** @return the buffers in the pool */
    int count() {
        return buffers.length;
    }

    /** @return the buffers taken now (a racy snapshot, for stats and tests) */
    int taken() {
        int taken = 0;
        for (int i = 0; i < buffers.length; i++) {
            taken += state.get(i);
        }
        return taken;
    }
}
