package io.ringtrace.engine;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.SpoolLedger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The engine's counts of spooled spans: those its exporter completed as spooled
 * ({@code ExportRequest.spooled()}), and what the exporter later reported of them through this
 * {@link SpoolLedger}: delivered, or dropped with a reason. Spans recovered from an earlier
 * process's spool are counted apart: this process never published them.
 *
 * <p>Each move of a span is one increment of one counter, so a reader that reads the exits before
 * the entries ({@link StatsReader}) sees every span in one place: a partial success adds the
 * delivered spans before the rejected ones, and the reader reads the drops before the deliveries.
 * Multi-writer (exporter threads), padded like {@link EngineCounters}; nothing allocates.
 */
final class SpoolCounters implements SpoolLedger {

    private static final int STRIDE = 16; // longs: 128 bytes, two cache lines
    private static final int REASONS = DropReason.values().length;

    private static final int SPOOLED = 0;
    private static final int DELIVERED = 1;
    private static final int DROPPED = 2; // + reason
    private static final int RECOVERED = DROPPED + REASONS;
    private static final int RECOVERED_DELIVERED = RECOVERED + 1;
    private static final int RECOVERED_DROPPED = RECOVERED_DELIVERED + 1;
    private static final int CORRUPT_RECORDS = RECOVERED_DROPPED + 1;
    private static final int SIZE_BYTES = CORRUPT_RECORDS + 1;
    private static final int SIZE_RECORDS = SIZE_BYTES + 1;
    private static final int OLDEST_MILLIS = SIZE_RECORDS + 1;
    private static final int REPLAY_RETRIES = OLDEST_MILLIS + 1;
    private static final int SLOTS = REPLAY_RETRIES + 1;

    private final AtomicLongArray slots = new AtomicLongArray(SLOTS * STRIDE);

    private long get(int slot) {
        return slots.get(slot * STRIDE);
    }

    private void add(int slot, long delta) {
        slots.getAndAdd(slot * STRIDE, delta);
    }

    /** A request's spans went to the spool (the request's completion). */
    void spooled(long spans) {
        add(SPOOLED, spans);
    }

    @Override
    public void delivered(long items, long rejectedItems, boolean recovered) {
        long rejected = Math.max(0, Math.min(rejectedItems, items));
        if (recovered) {
            add(RECOVERED_DELIVERED, items - rejected);
            add(RECOVERED_DROPPED, rejected);
        } else {
            add(DELIVERED, items - rejected); // before the REJECTED drops: see the class comment
            if (rejected > 0) {
                add(DROPPED + DropReason.REJECTED.ordinal(), rejected);
            }
        }
    }

    @Override
    public void dropped(long items, DropReason reason, boolean recovered) {
        if (reason == null) {
            throw new IllegalArgumentException("reason must not be null");
        }
        add(recovered ? RECOVERED_DROPPED : DROPPED + reason.ordinal(), items);
    }

    @Override
    public void recovered(long items, long corruptRecords) {
        add(RECOVERED, items);
        add(CORRUPT_RECORDS, corruptRecords);
    }

    @Override
    public void replayRetrying() {
        add(REPLAY_RETRIES, 1);
    }

    @Override
    public void spoolSize(long bytes, long records, long oldestEpochMillis) {
        slots.set(SIZE_BYTES * STRIDE, bytes);
        slots.set(SIZE_RECORDS * STRIDE, records);
        slots.set(OLDEST_MILLIS * STRIDE, oldestEpochMillis);
    }

    long spooledTotal() {
        return get(SPOOLED);
    }

    long delivered() {
        return get(DELIVERED);
    }

    long dropped(DropReason reason) {
        return get(DROPPED + reason.ordinal());
    }

    long recovered() {
        return get(RECOVERED);
    }

    long recoveredDelivered() {
        return get(RECOVERED_DELIVERED);
    }

    long recoveredDropped() {
        return get(RECOVERED_DROPPED);
    }

    long replayRetries() {
        return get(REPLAY_RETRIES);
    }

    long corruptRecords() {
        return get(CORRUPT_RECORDS);
    }

    long sizeBytes() {
        return get(SIZE_BYTES);
    }

    long sizeRecords() {
        return get(SIZE_RECORDS);
    }

    long oldestEpochMillis() {
        return get(OLDEST_MILLIS);
    }
}
