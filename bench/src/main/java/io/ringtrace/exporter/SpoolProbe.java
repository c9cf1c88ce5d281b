package io.ringtrace.exporter;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Bench probe: the spool's file work ({@link SpoolStore}) on the calling thread, without the
 * spool's thread, an engine or a transport, so that the cost of appending a sealed request under
 * each fsync policy, and of replaying one, can be timed alone. It does what the spool's thread does
 * per request: append (segment creation and its zero fill included when one is due, the oldest
 * segment dropped when the bound is reached), the {@code msync} of the record under
 * {@code EVERY_REQUEST}, one {@code msync} of the written segments per second under
 * {@code PERIODIC}; a replay reads the oldest pending record (CRC32C checked), copies its bytes out
 * and marks it done. It lives in the exporter package because the store is not public API; it is
 * bench code, not shipped.
 */
public final class SpoolProbe implements AutoCloseable {

    private static final long PERIODIC_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final SpoolStore store;
    private final SpoolOptions.Fsync fsync;
    private long nextForceNanos;
    private long dropped;
    private final SpoolStore.DroppedRecords drops = (signal, items, recovered, reason) -> dropped += items;

    /**
     * Opens (and locks) a spool store.
     *
     * @param options the directory, its bound and the fsync policy ({@code whenFull} should be
     *     {@code DROP_OLDEST} so that appends go on once the bound is reached)
     */
    public SpoolProbe(SpoolOptions options) {
        this.store = SpoolStore.open(options);
        this.fsync = options.fsync();
        this.nextForceNanos = System.nanoTime() + PERIODIC_NANOS;
    }

    /**
     * Appends one record as the spool's thread does, forcing per the fsync policy.
     *
     * @param payload the request's bytes, position to limit (restored)
     * @param items the items it holds
     * @return the end of the written record in its segment (a value for the benchmark to consume)
     * @throws IllegalStateException if the store could not take it (full or an I/O error)
     */
    public long append(ByteBuffer payload, int items) {
        SpoolStore.Appended appended = store.append(payload, items, 0, System.currentTimeMillis(), drops);
        if (appended != SpoolStore.Appended.STORED) {
            throw new IllegalStateException("spool append " + appended + ": " + store.lastError);
        }
        if (fsync == SpoolOptions.Fsync.PERIODIC && System.nanoTime() - nextForceNanos >= 0) {
            nextForceNanos = System.nanoTime() + PERIODIC_NANOS;
            store.force();
        }
        return store.fileBytes();
    }

    /**
     * Replays the oldest pending record: finds it (its CRC32C checked), copies its payload into
     * {@code into} (from 0) and marks it done, deleting its segment once drained.
     *
     * @param into where the payload goes; must be large enough
     * @return the payload's length, or -1 if nothing is pending
     */
    public int replayOldest(ByteBuffer into) {
        SpoolSegment segment = store.nextRecord();
        if (segment == null) {
            return -1;
        }
        int at = store.recordAt;
        ByteBuffer mapped = segment.mapped();
        int length = SpoolRecord.length(mapped, at);
        into.put(0, mapped, at + SpoolRecord.HEADER_BYTES, length);
        store.finished(segment, at);
        return length;
    }

    /** @return items the store dropped to make room (its bound reached; the spool counts them {@code SPOOL_FULL}) */
    public long dropped() {
        return dropped;
    }

    /** @return the bytes the segment files take on disk */
    public long fileBytes() {
        return store.fileBytes();
    }

    /** @return the records still pending */
    public long pendingRecords() {
        return store.pendingRecords();
    }

    /** Forces, unmaps and closes the files (they stay on disk) and releases the lock. */
    @Override
    public void close() {
        store.close();
    }
}
