package io.ringtrace.codec;

/** A test's overflow pool: {@code count} buffers, claimed in order, all returned by {@link #releaseAll()}. */
final class TestOverflow implements SpanOverflow {

    private final byte[][] buffers;
    private int claimed;

    TestOverflow(int count, SpanLimits limits) {
        buffers = new byte[count][SpanSlot.maxSpanBytes(limits)];
    }

    /** @return a pool with no buffer: every span bigger than its slot is too large */
    static TestOverflow none() {
        return new TestOverflow(0, SpanLimits.defaults());
    }

    @Override
    public int claim() {
        return claimed < buffers.length ? claimed++ : -1;
    }

    @Override
    public byte[] buffer(int index) {
        return buffers[index];
    }

    @Override
    public void release(int index) {
        // every buffer comes back at releaseAll()
    }

    int claimed() {
        return claimed;
    }

    void releaseAll() {
        claimed = 0;
    }
}
