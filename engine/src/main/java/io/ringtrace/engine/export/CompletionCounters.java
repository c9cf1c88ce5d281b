package io.ringtrace.engine.export;

import io.ringtrace.engine.ops.LatencyHistogram;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What the completions of a {@link RequestPool}'s requests counted: items exported, items dropped
 * by reason, retries, failed requests, completions rejected as stale or duplicate, and each
 * request's hand-off-to-completion latency. Written by exporter threads and the closing thread;
 * each counter has its own 128 bytes (two cache lines), so completions on different threads do not
 * share a line. Incrementing allocates nothing.
 */
final class CompletionCounters {

    private static final int STRIDE = 16; // longs: 128 bytes, two cache lines (adjacent-line prefetch)
    private static final int REASONS = DropReason.values().length;

    private static final int DROPS = 0; // + reason
    private static final int EXPORTED = DROPS + REASONS;
    private static final int RETRIES = EXPORTED + 1;
    private static final int REQUESTS_FAILED = RETRIES + 1;
    private static final int REJECTED_COMPLETIONS = REQUESTS_FAILED + 1;
    private static final int SLOTS = REJECTED_COMPLETIONS + 1;

    private final AtomicLongArray slots = new AtomicLongArray(SLOTS * STRIDE);

    /** Hand-off-to-completion time of each export request. */
    final LatencyHistogram exportLatency = new LatencyHistogram();

    private long get(int slot) {
        return slots.get(slot * STRIDE);
    }

    private void add(int slot, long delta) {
        slots.getAndAdd(slot * STRIDE, delta);
    }

    void exported(long items) {
        add(EXPORTED, items);
    }

    void dropped(DropReason reason, long items) {
        add(DROPS + reason.ordinal(), items);
    }

    void retried() {
        add(RETRIES, 1);
    }

    void requestFailed() {
        add(REQUESTS_FAILED, 1);
    }

    void rejectedCompletion() {
        add(REJECTED_COMPLETIONS, 1);
    }

    long exported() {
        return get(EXPORTED);
    }

    long dropped(DropReason reason) {
        return get(DROPS + reason.ordinal());
    }

    long retries() {
        return get(RETRIES);
    }

    long requestsFailed() {
        return get(REQUESTS_FAILED);
    }

    long rejectedCompletions() {
        return get(REJECTED_COMPLETIONS);
    }
}
