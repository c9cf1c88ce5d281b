package io.ringtrace.bench.jmh;

import io.ringtrace.codec.SpanOverflow;

/** For the slot-writer benchmarks and tests, whose records fit their slots: no overflow buffers, never asked for one. */
public final class NoOverflow implements SpanOverflow {

    /** The one instance. */
    public static final NoOverflow INSTANCE = new NoOverflow();

    private NoOverflow() {}

    @Override
    public int claim() {
        return -1; // the record fits its slot: never asked
    }

    @Override
    public byte[] buffer(int index) {
        throw new IllegalStateException("no overflow buffers");
    }

    @Override
    public void release(int index) {
        throw new IllegalStateException("no overflow buffers");
    }
}
