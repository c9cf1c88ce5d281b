package io.ringtrace.engine.internal.leak;

import io.ringtrace.engine.SpanPoolView;
import io.ringtrace.engine.TraceEngine;

/**
 * Adapts one of the engine's per-thread span pools ({@link SpanPoolView}) to what the
 * {@link OpenSpanDetector} scans ({@link TrackedPool}). Start times are epoch nanoseconds on the
 * engine's clock ({@link TraceEngine#nowEpochNanos()}). Reads are racy and allocation-free, as the
 * view promises; only {@link #reclaim} allocates (the replacement flyweight, on the detector's thread).
 */
public final class SpanPoolLeakView implements TrackedPool {

    private final SpanPoolView pool;
    private final TraceEngine engine;

    /**
     * @param pool the engine's pool
     * @param engine the engine (its clock)
     */
    public SpanPoolLeakView(SpanPoolView pool, TraceEngine engine) {
        this.pool = pool;
        this.engine = engine;
    }

    @Override
    public String threadName() {
        return pool.ownerThread().getName();
    }

    @Override
    public boolean ownerThreadEnded() {
        return !pool.ownerThread().isAlive();
    }

    @Override
    public int slots() {
        return pool.capacity();
    }

    @Override
    public long nowNanos() {
        return engine.nowEpochNanos();
    }

    @Override
    public long openedAtNanos(int slot) {
        long openedAt = pool.openedAtEpochNanos(slot);
        return openedAt == SpanPoolView.NOT_OPEN ? NOT_OPEN : openedAt;
    }

    @Override
    public Object spanName(int slot) {
        return pool.spanName(slot);
    }

    @Override
    public Throwable startStack(int slot) {
        return pool.startStack(slot);
    }

    @Override
    public long exhaustions() {
        return pool.exhaustions();
    }

    @Override
    public boolean reclaim(int slot, long openedAtNanos) {
        return pool.reclaim(slot, openedAtNanos);
    }
}
