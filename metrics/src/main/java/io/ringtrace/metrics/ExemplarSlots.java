package io.ringtrace.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A histogram series' exemplars: a fixed number of slots (one per bucket for explicit buckets), each
 * keeping the latest measurement recorded inside a sampled span. Per slot {@value #STRIDE} longs
 * [version, trace id high, trace id low, span id, value bits, time, version reported last
 * (collecting thread only)]. A writer claims a slot by CASing its version from even to odd, writes,
 * and releases it even again; a writer that finds it taken skips (an exemplar is a sample: losing one
 * is fine, tearing one is not). The collector reads the version, the fields, then the version again,
 * and keeps the exemplar only if both are the same even number. Allocation-free after construction.
 */
final class ExemplarSlots {

    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
    static final int STRIDE = 7;
    /** Longs per exemplar in a collection's output: trace id high, low, span id, value bits, time. */
    static final int OUT_STRIDE = 5;

    private final long[] slots;
    private final int count;

    ExemplarSlots(int count) {
        this.count = count;
        this.slots = new long[STRIDE * count];
    }

    int count() {
        return count;
    }

    /** Makes this measurement slot {@code index}'s exemplar, unless another thread is writing it right now. */
    void offer(int index, double value, long traceIdHigh, long traceIdLow, long spanId, long epochNanos) {
        final long[] e = slots;
        int slot = STRIDE * index;
        long version = (long) LONGS.getVolatile(e, slot);
        if ((version & 1) != 0 || !LONGS.compareAndSet(e, slot, version, version + 1)) {
            return; // another thread is writing this slot: keep theirs
        }
        LONGS.setOpaque(e, slot + 1, traceIdHigh);
        LONGS.setOpaque(e, slot + 2, traceIdLow);
        LONGS.setOpaque(e, slot + 3, spanId);
        LONGS.setOpaque(e, slot + 4, Double.doubleToRawLongBits(value));
        LONGS.setOpaque(e, slot + 5, epochNanos);
        LONGS.setRelease(e, slot, version + 2); // the fields are visible before the even version
    }

    /**
     * Copies the slots' exemplars into {@code out} ({@value #OUT_STRIDE} longs each), in slot order;
     * with {@code onlyNew}, only those recorded since the last call. Collecting thread only.
     *
     * @return how many
     */
    int collect(long[] out, boolean onlyNew) {
        final long[] e = slots;
        int n = 0;
        for (int b = 0; b < count; b++) {
            int slot = STRIDE * b;
            long version = (long) LONGS.getAcquire(e, slot);
            if (version == 0 || (version & 1) != 0 || (onlyNew && version == e[slot + 6])) {
                continue; // none yet, being written (it comes next time), or sent before
            }
            long high = (long) LONGS.getOpaque(e, slot + 1);
            long low = (long) LONGS.getOpaque(e, slot + 2);
            long span = (long) LONGS.getOpaque(e, slot + 3);
            long value = (long) LONGS.getOpaque(e, slot + 4);
            long time = (long) LONGS.getOpaque(e, slot + 5);
            VarHandle.acquireFence(); // the field reads happen before the version is read again
            if ((long) LONGS.getVolatile(e, slot) != version) {
                continue; // rewritten while read: the new one comes next time
            }
            e[slot + 6] = version;
            out[OUT_STRIDE * n] = high;
            out[OUT_STRIDE * n + 1] = low;
            out[OUT_STRIDE * n + 2] = span;
            out[OUT_STRIDE * n + 3] = value;
            out[OUT_STRIDE * n + 4] = time;
            n++;
        }
        return n;
    }
}
