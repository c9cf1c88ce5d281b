package io.ringtrace.engine;

import io.ringtrace.engine.export.DropReason;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A pipeline's live counters up to the hand-off to the exporter (what happens after it, the
 * completions, the {@link io.ringtrace.engine.export.RequestPool} counts). Counters written by
 * different threads never share a cache line (a slot per 128 bytes); incrementing allocates
 * nothing. The names say spans; in a log pipeline they count log records.
 *
 * <p>Two groups, by who writes them:
 * <ul>
 *   <li>producers (any app thread, contended only under overload or misuse): spans lost before the
 *       ring, by reason ({@code RING_FULL}, {@code POOL_EXHAUSTED}, {@code SHUTDOWN}); span API
 *       calls ignored as misuse, repeated {@code end()} calls, sampler exceptions;
 *   <li>the serializer thread alone (single writer, {@code lazySet}: a plain store, ordered), packed
 *       together on two cache lines that only it writes: spans in the open request, spans and bytes
 *       handed to the exporter, requests sent, spans it dropped ({@code SPAN_TOO_LARGE},
 *       {@code INVALID_SPAN}, {@code SHUTDOWN}), and the held-slot report of its wait strategy.
 * </ul>
 * Spans the serializer consumed from the ring are not counted apart: each one is, at every instant,
 * exactly one of open, handed off or dropped by the serializer, so their sum is the consumed count
 * and a snapshot cannot see a span in two places or none. The one update that moves spans between
 * two serializer counters, sealing (open to handed off) and the drop of the open request at
 * shutdown, is wrapped in a sequence lock ({@link #beginSerializerUpdate()}) that
 * {@link TraceEngine#stats(EngineStats)} reads around.
 */
final class EngineCounters {

    private static final int STRIDE = 16; // longs: 128 bytes, two cache lines (adjacent-line prefetch)
    private static final int REASONS = DropReason.values().length;

    // slot numbers of the multi-writer counters (one STRIDE each)
    private static final int EDGE_DROPS = 0;                        // + reason
    private static final int IGNORED_SPAN_CALLS = EDGE_DROPS + REASONS;
    private static final int REPEATED_ENDS = IGNORED_SPAN_CALLS + 1;
    private static final int SAMPLER_ERRORS = REPEATED_ENDS + 1;
    private static final int SLOTS = SAMPLER_ERRORS + 1;

    // indexes of the serializer's counters, adjacent, after one STRIDE of padding
    private static final int VERSION = STRIDE;
    private static final int OPEN_REQUEST_SPANS = VERSION + 1;
    private static final int HANDED_OFF_SPANS = OPEN_REQUEST_SPANS + 1;
    private static final int REQUESTS_SENT = HANDED_OFF_SPANS + 1;
    private static final int BYTES_SENT = REQUESTS_SENT + 1;
    private static final int HELD_SLOTS = BYTES_SENT + 1;
    private static final int HELD_SLOT_SINCE = HELD_SLOTS + 1;
    private static final int SPANS_OVERFLOWED = HELD_SLOT_SINCE + 1;
    private static final int SERIALIZER_DROPS = SPANS_OVERFLOWED + 1; // + reason
    private static final int SERIALIZER_LENGTH = SERIALIZER_DROPS + REASONS + STRIDE;

    private final AtomicLongArray slots = new AtomicLongArray(SLOTS * STRIDE);
    /** The serializer's counters: padded at both ends, so no other thread writes their cache lines. */
    private final AtomicLongArray serializer = new AtomicLongArray(SERIALIZER_LENGTH);

    private long get(int slot) {
        return slots.get(slot * STRIDE);
    }

    private void add(int slot, long delta) {
        slots.getAndAdd(slot * STRIDE, delta);
    }

    /** Single-writer increment: the serializer's plain read plus an ordered (release) store. */
    private void addSerializer(int index, long delta) {
        serializer.lazySet(index, serializer.get(index) + delta); // only the serializer thread writes it
    }

    // ------------------------------------------------------------------- producers (any thread)

    void droppedAtEdge(DropReason reason) {
        add(EDGE_DROPS + reason.ordinal(), 1);
    }

    long edgeDrops(DropReason reason) {
        return get(EDGE_DROPS + reason.ordinal());
    }

    void spanCallIgnored() {
        add(IGNORED_SPAN_CALLS, 1);
    }

    void repeatedEnd() {
        add(REPEATED_ENDS, 1);
    }

    void samplerError() {
        add(SAMPLER_ERRORS, 1);
    }

    long ignoredSpanCalls() {
        return get(IGNORED_SPAN_CALLS);
    }

    long repeatedEnds() {
        return get(REPEATED_ENDS);
    }

    long samplerErrors() {
        return get(SAMPLER_ERRORS);
    }

    // ------------------------------------------------------------ serializer thread only

    /**
     * Opens a multi-counter update (serializer thread): the version becomes odd until
     * {@link #endSerializerUpdate()}. Every counter store inside is a release store, so none of
     * them can become visible before this odd version; the even version that ends the update is a
     * release store too, so all of them are visible before it.
     */
    void beginSerializerUpdate() {
        serializer.lazySet(VERSION, serializer.get(VERSION) + 1);
    }

    void endSerializerUpdate() {
        serializer.lazySet(VERSION, serializer.get(VERSION) + 1);
    }

    void openRequestSpans(long spans) {
        serializer.lazySet(OPEN_REQUEST_SPANS, spans); // single writer: the serializer
    }

    void droppedInSerializer(DropReason reason, long spans) {
        addSerializer(SERIALIZER_DROPS + reason.ordinal(), spans);
    }

    /** Within a serializer update: the open request's spans were sealed and handed off. */
    void handedOff(int spans, long bytes) {
        addSerializer(HANDED_OFF_SPANS, spans);
        addSerializer(REQUESTS_SENT, 1);
        addSerializer(BYTES_SENT, bytes);
    }

    /** A ring slot stayed claimed and unpublished longer than the bound. */
    void slotHeldTooLong() {
        addSerializer(HELD_SLOTS, 1);
    }

    /** A span that outgrew its ring slot was read from an overflow buffer. */
    void spanOverflowed() {
        addSerializer(SPANS_OVERFLOWED, 1);
    }

    /** @param sinceNanos {@code System.nanoTime()} since which the serializer waits for a claimed slot, 0: none */
    void heldSlotSince(long sinceNanos) {
        serializer.lazySet(HELD_SLOT_SINCE, sinceNanos);
    }

    // ---------------------------------------------------------------- serializer (readers)

    /**
     * Starts a consistent read of the serializer's counters.
     *
     * @return the version to pass to {@link #serializerUnchangedSince(long)} after the reads
     */
    long serializerVersion() {
        return serializer.get(VERSION); // volatile: the counter reads after it are not moved before it
    }

    /**
     * @param version what {@link #serializerVersion()} returned before the reads
     * @return whether the counters read since form one consistent set: no update was under way when
     *     the read began, and none began since (a volatile read: the reads before it stay before it)
     */
    boolean serializerUnchangedSince(long version) {
        return (version & 1) == 0 && serializer.get(VERSION) == version;
    }

    long openRequestSpans() {
        return serializer.get(OPEN_REQUEST_SPANS);
    }

    long handedOffSpans() {
        return serializer.get(HANDED_OFF_SPANS);
    }

    long serializerDrops(DropReason reason) {
        return serializer.get(SERIALIZER_DROPS + reason.ordinal());
    }

    long requestsSent() {
        return serializer.get(REQUESTS_SENT);
    }

    long bytesSent() {
        return serializer.get(BYTES_SENT);
    }

    long slotsHeldTooLong() {
        return serializer.get(HELD_SLOTS);
    }

    long spansOverflowed() {
        return serializer.get(SPANS_OVERFLOWED);
    }

    long heldSlotSinceNanos() {
        return serializer.get(HELD_SLOT_SINCE);
    }
}
