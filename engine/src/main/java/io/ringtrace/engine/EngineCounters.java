package io.ringtrace.engine;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.monitor.LatencyHistogram;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The engine's live counters, one padded slot each (a slot per 128 bytes, so counters written by
 * different threads never share a cache line). Incrementing allocates nothing.
 *
 * <p>Three groups, by who writes them:
 * <ul>
 *   <li>producers (any app thread, contended only under overload): spans lost before the ring, by
 *       reason ({@code RING_FULL}, {@code POOL_EXHAUSTED}, {@code SHUTDOWN});
 *   <li>the serializer thread alone (single writer, {@code lazySet}: a plain store, ordered): spans
 *       consumed from the ring, spans in the open request, spans and bytes handed to the exporter,
 *       requests sent, spans it dropped ({@code SPAN_TOO_LARGE}, {@code SHUTDOWN});
 *   <li>completions (exporter threads, the closing thread): spans exported, spans dropped by reason,
 *       retries, completions rejected as stale or duplicate.
 * </ul>
 * {@link TraceEngine#stats(EngineStats)} combines them into a snapshot.
 */
final class EngineCounters {

    private static final int STRIDE = 16; // longs: 128 bytes, two cache lines (adjacent-line prefetch)
    private static final int REASONS = DropReason.values().length;

    // slot numbers
    private static final int EDGE_DROPS = 0;                        // + reason
    private static final int SERIALIZER_DROPS = EDGE_DROPS + REASONS; // + reason
    private static final int COMPLETION_DROPS = SERIALIZER_DROPS + REASONS; // + reason
    private static final int CONSUMED = COMPLETION_DROPS + REASONS;
    private static final int OPEN_REQUEST_SPANS = CONSUMED + 1;
    private static final int HANDED_OFF_SPANS = OPEN_REQUEST_SPANS + 1;
    private static final int REQUESTS_SENT = HANDED_OFF_SPANS + 1;
    private static final int BYTES_SENT = REQUESTS_SENT + 1;
    private static final int EXPORTED = BYTES_SENT + 1;
    private static final int RETRIES = EXPORTED + 1;
    private static final int REQUESTS_FAILED = RETRIES + 1;
    private static final int REJECTED_COMPLETIONS = REQUESTS_FAILED + 1;
    private static final int SLOTS = REJECTED_COMPLETIONS + 1;

    private final AtomicLongArray slots = new AtomicLongArray(SLOTS * STRIDE);

    /** Hand-off-to-completion time of each export request, recorded by completions (any thread). */
    final LatencyHistogram exportLatency = new LatencyHistogram();

    private long get(int slot) {
        return slots.get(slot * STRIDE);
    }

    private void add(int slot, long delta) {
        slots.getAndAdd(slot * STRIDE, delta);
    }

    /** Single-writer increment: the owner thread's plain read plus an ordered (release) store. */
    private void addSingleWriter(int slot, long delta) {
        int i = slot * STRIDE;
        slots.lazySet(i, slots.get(i) + delta); // only the serializer thread writes this slot
    }

    // ------------------------------------------------------------------- producers (any thread)

    void droppedAtEdge(DropReason reason) {
        add(EDGE_DROPS + reason.ordinal(), 1);
    }

    long edgeDrops(DropReason reason) {
        return get(EDGE_DROPS + reason.ordinal());
    }

    // ------------------------------------------------------------ serializer thread only

    void consumed() {
        addSingleWriter(CONSUMED, 1);
    }

    void openRequestSpans(long spans) {
        slots.lazySet(OPEN_REQUEST_SPANS * STRIDE, spans); // single writer: the serializer
    }

    void droppedInSerializer(DropReason reason, long spans) {
        addSingleWriter(SERIALIZER_DROPS + reason.ordinal(), spans);
    }

    void handedOff(int spans, long bytes) {
        addSingleWriter(HANDED_OFF_SPANS, spans);
        addSingleWriter(REQUESTS_SENT, 1);
        addSingleWriter(BYTES_SENT, bytes);
    }

    long consumedSpans() {
        return get(CONSUMED);
    }

    long openRequestSpans() {
        return get(OPEN_REQUEST_SPANS);
    }

    long handedOffSpans() {
        return get(HANDED_OFF_SPANS);
    }

    long serializerDrops(DropReason reason) {
        return get(SERIALIZER_DROPS + reason.ordinal());
    }

    long requestsSent() {
        return get(REQUESTS_SENT);
    }

    long bytesSent() {
        return get(BYTES_SENT);
    }

    // ------------------------------------------------------- completions (exporter threads)

    void exported(long spans) {
        add(EXPORTED, spans);
    }

    void droppedAtCompletion(DropReason reason, long spans) {
        add(COMPLETION_DROPS + reason.ordinal(), spans);
    }

    void retried() {
        add(RETRIES, 1);
    }

    void requestFailed() {
        add(REQUESTS_FAILED, 1);
    }

    /** A completion through a stale export request handle, or a second one: rejected, not counted. */
    void rejectedCompletion() {
        add(REJECTED_COMPLETIONS, 1);
    }

    long rejectedCompletions() {
        return get(REJECTED_COMPLETIONS);
    }

    long exported() {
        return get(EXPORTED);
    }

    long completionDrops(DropReason reason) {
        return get(COMPLETION_DROPS + reason.ordinal());
    }

    long retries() {
        return get(RETRIES);
    }

    long requestsFailed() {
        return get(REQUESTS_FAILED);
    }
}
