package io.ringtrace.engine.export;

/**
 * Where an exporter with an on-disk spool reports what becomes of the items it spooled, for one
 * {@link Signal}: the engine that publishes that signal hands its ledger to the exporter once, with
 * {@link SpanExporter#bindSpool(Signal, SpoolLedger)}, before the first export.
 *
 * <p>A request the exporter spools completes with {@link ExportRequest#spooled()}: its items leave
 * the engine's in-flight count and become <em>spooled</em>, a state of their own
 * ({@code published = exported + dropped + inFlight + spooled}). Each spooled item later leaves
 * that state exactly once, through {@link #delivered} or {@link #dropped}. Items the exporter found
 * in its spool from an earlier process were never published by this one: they are reported with
 * {@code recovered = true} and counted apart, outside that sum.
 *
 * <p>Any thread; implementations count without allocating or blocking.
 */
public interface SpoolLedger {

    /**
     * Spooled items reached the receiver.
     *
     * @param items the items of the delivered record
     * @param rejectedItems of those, the items the receiver rejected ({@code partial_success}),
     *     counted as dropped with {@link DropReason#REJECTED}
     * @param recovered whether the record came from an earlier process's spool
     */
    void delivered(long items, long rejectedItems, boolean recovered);

    /**
     * Spooled items will never be delivered.
     *
     * @param items the items of the lost record
     * @param reason why ({@link DropReason#SPOOL_FULL}, {@link DropReason#SPOOL_EXPIRED},
     *     {@link DropReason#EXPORT_FAILED} for a non-retryable reply or an unreadable record)
     * @param recovered whether the record came from an earlier process's spool
     */
    void dropped(long items, DropReason reason, boolean recovered);

    /**
     * Items found intact in the spool of an earlier process, reported once when the ledger is bound.
     *
     * @param items the items of those records
     * @param corruptRecords records found torn or corrupt (their items unknown), truncated or skipped
     */
    void recovered(long items, long corruptRecords);

    /**
     * A replay of a spooled record failed and is to be sent again: counted with the engine's retries,
     * as a live request's retry is ({@link ExportRequest#retrying()}).
     */
    void replayRetrying();

    /**
     * The spool's size now, reported whenever it changes (for every signal together).
     *
     * @param bytes bytes the spool's segment files take on disk
     * @param records records not yet delivered or dropped
     * @param oldestEpochMillis when the oldest of them was spooled, 0 if none
     */
    void spoolSize(long bytes, long records, long oldestEpochMillis);
}
