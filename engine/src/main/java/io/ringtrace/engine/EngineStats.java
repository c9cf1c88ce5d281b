package io.ringtrace.engine;

import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.ops.LatencyHistogram;

/**
 * A snapshot of an engine's counters, filled by {@link TraceEngine#stats(EngineStats)} without
 * allocation: keep one instance and refill it.
 *
 * <p>Accounting: every sampled span the application hands to the engine is {@linkplain #published()
 * published}, and then is exactly one of {@linkplain #exported() exported}, {@linkplain
 * #dropped(DropReason) dropped} (with one reason), {@linkplain #inFlight() in flight} or
 * {@linkplain #spooled() spooled} (in the exporter's on-disk spool, when it has one), and every
 * snapshot adds up: {@code published == exported + droppedTotal + inFlight + spooled} holds exactly
 * in each one, also while spans move. Each span is counted in exactly one place along its way, every counter
 * is read once, and a request being sealed is read either before or after the seal, never half way.
 * The counters are read one after another, downstream first, so a span that moves during the read
 * is seen in the stage it was in when that stage was read: the parts ({@link #ringBacklog()},
 * {@link #openRequestSpans()}, {@link #requestSpansOutstanding()}) are each between 0 and what that
 * stage can hold, and may lag one another by what moved meanwhile. At a quiescent point (after
 * {@link TraceEngine#flush} or {@link TraceEngine#close}) {@code inFlight} is 0.
 *
 * <p>Unsampled spans are not published and not dropped: sampling is a decision, not a loss.
 *
 * <p>A {@link LogEngine} fills the same snapshot: where it says spans, read log records; the span
 * API's counters ({@link #repeatedEnds()}, {@link #samplerErrors()}) stay 0, and {@link
 * #ignoredSpanCalls()} counts the logger API's ignored calls.
 */
public final class EngineStats {

    private static final DropReason[] REASONS = DropReason.values();

    long published;
    long exported;
    final long[] dropped = new long[REASONS.length];
    long inFlight;
    long spooled;
    long spooledRecovered;
    long spooledRecoveredExported;
    long spooledRecoveredDropped;
    long spoolCorruptRecords;
    long spoolBytes;
    long spoolRecords;
    long spoolOldestAgeMillis;
    long ringBacklog;
    long openRequestSpans;
    long requestSpansOutstanding;
    long requestsSent;
    long requestsFailed;
    long bytesSent;
    long retries;
    long rejectedCompletions;
    long slotsHeldTooLong;
    long heldSlotMillis;
    long spansOverflowed;
    int ringCapacity;
    int requestBuffers;
    int requestBuffersInUse;
    long offHeapBytesHeld;
    long ignoredSpanCalls;
    long repeatedEnds;
    long samplerErrors;
    boolean closed;
    final LatencyHistogram.Snapshot exportLatency = new LatencyHistogram.Snapshot();

    /** Creates an all-zero snapshot. */
    public EngineStats() {}

    /**
     * @return sampled spans handed to the engine: ring slots claimed through the ring API or by
     *     {@code Span.end()}, plus spans lost before reaching the ring (ring full, span pool
     *     exhausted, engine closed)
     */
    public long published() {
        return published;
    }

    /** @return spans the receiver accepted (requests completed successfully, minus rejected spans) */
    public long exported() {
        return exported;
    }

    /**
     * @param reason a drop reason
     * @return spans lost for that reason
     */
    public long dropped(DropReason reason) {
        return dropped[reason.ordinal()];
    }

    /** @return spans lost for any reason */
    public long droppedTotal() {
        long total = 0;
        for (long d : dropped) {
            total += d;
        }
        return total;
    }

    /**
     * @return spans on their way: in the ring, in the request being filled, or in requests handed to
     *     the exporter and not yet completed
     */
    public long inFlight() {
        return inFlight;
    }

    /**
     * @return spans in the exporter's on-disk spool: their requests could not be delivered in time
     *     (the receiver away), were written to disk and gave their buffers back; each leaves this
     *     count once, as {@linkplain #exported() exported} when replayed or {@linkplain
     *     #dropped(DropReason) dropped} ({@code SPOOL_FULL}, {@code SPOOL_EXPIRED}, ...). 0 without a
     *     spool. Spans still spooled at close stay on disk for the next process
     */
    public long spooled() {
        return spooled;
    }

    /**
     * @return spans found in the spool of an earlier process (never published by this one, so
     *     outside the accounting above); of them, {@link #spooledRecoveredExported()} were delivered
     *     and {@link #spooledRecoveredDropped()} lost so far
     */
    public long spooledRecovered() {
        return spooledRecovered;
    }

    /** @return spans recovered from an earlier process's spool and delivered by this one */
    public long spooledRecoveredExported() {
        return spooledRecoveredExported;
    }

    /** @return spans recovered from an earlier process's spool and lost (rejected, expired, full) */
    public long spooledRecoveredDropped() {
        return spooledRecoveredDropped;
    }

    /**
     * @return spool records found torn or corrupt when the spool was opened (a write cut by a crash,
     *     or damaged bytes): skipped or truncated, their spans unknown and not counted elsewhere
     */
    public long spoolCorruptRecords() {
        return spoolCorruptRecords;
    }

    /** @return bytes the exporter's spool files take on disk now (every signal; 0 without a spool) */
    public long spoolBytes() {
        return spoolBytes;
    }

    /** @return requests in the exporter's spool now, not yet delivered or dropped (every signal) */
    public long spoolRecords() {
        return spoolRecords;
    }

    /** @return how long ago the oldest record now in the spool was written, in milliseconds (0: none) */
    public long spoolOldestAgeMillis() {
        return spoolOldestAgeMillis;
    }

    /** @return spans published into the ring and not yet taken by the serializer */
    public long ringBacklog() {
        return ringBacklog;
    }

    /** @return spans encoded into the request being filled (not yet sealed) */
    public long openRequestSpans() {
        return openRequestSpans;
    }

    /** @return spans in sealed requests the exporter has not completed yet */
    public long requestSpansOutstanding() {
        return requestSpansOutstanding;
    }

    /** @return sealed requests handed to the exporter */
    public long requestsSent() {
        return requestsSent;
    }

    /** @return requests the exporter completed as failed */
    public long requestsFailed() {
        return requestsFailed;
    }

    /** @return serialized bytes handed to the exporter */
    public long bytesSent() {
        return bytesSent;
    }

    /** @return retries the exporter reported, replays of spooled requests included */
    public long retries() {
        return retries;
    }

    /**
     * @return completions the engine rejected with an {@link IllegalStateException}: a second
     *     completion of a request, or one through a stale handle (a request the engine had taken back
     *     because {@code export()} threw, or one completed before). Not 0 means an exporter bug; such
     *     completions change no other count
     */
    public long rejectedCompletions() {
        return rejectedCompletions;
    }

    /**
     * @return ring slots that stayed claimed and unpublished for longer than one second while the
     *     serializer waited for them (each counted once): a ring-API producer preempted that long, or
     *     one that never publishes a claimed sequence; every span behind such a slot waits for it
     */
    public long slotsHeldTooLong() {
        return slotsHeldTooLong;
    }

    /**
     * @return how long the serializer has been waiting, now, for the next ring slot, claimed and not
     *     published yet, in milliseconds (0: it is not waiting for a claimed slot)
     */
    public long heldSlotMillis() {
        return heldSlotMillis;
    }

    /**
     * @return spans that outgrew their ring slot and were read from an overflow buffer (each one
     *     more copy on the producer's side and a buffer held until it is encoded); a large share
     *     says that {@code slotBytes} is small for the application's spans
     */
    public long spansOverflowed() {
        return spansOverflowed;
    }

    /** @return the ring's number of slots */
    public int ringCapacity() {
        return ringCapacity;
    }

    /** @return the size of the fixed request-buffer pool */
    public int requestBuffers() {
        return requestBuffers;
    }

    /** @return request buffers being filled or in flight */
    public int requestBuffersInUse() {
        return requestBuffersInUse;
    }

    /** @return off-heap bytes the engine currently holds (its request buffers; 0 after close) */
    public long offHeapBytesHeld() {
        return offHeapBytesHeld;
    }

    /**
     * @return the export latency histogram: time from the hand-off of each request to the exporter
     *     until its completion (retries included), for completed requests; percentiles are bucket
     *     upper bounds (at most 2x the true value)
     */
    public LatencyHistogram.Snapshot exportLatency() {
        return exportLatency;
    }

    /**
     * @return span API calls ignored as misuse, sampled span or not: a null key, value, name or
     *     link, an event attribute before any event, a status code that is not a {@code
     *     StatusCode} (see {@link Span}); not losses, so not in the accounting
     */
    public long ignoredSpanCalls() {
        return ignoredSpanCalls;
    }

    /**
     * @return {@code end()} calls on a span already ended (each a no-op, as in the OpenTelemetry
     *     API), e.g. from an {@code end()} both in a {@code try} and in its {@code finally}
     */
    public long repeatedEnds() {
        return repeatedEnds;
    }

    /**
     * @return spans whose {@link Sampler} threw: each was started as not sampled (its context still
     *     propagates) and the exception was contained
     */
    public long samplerErrors() {
        return samplerErrors;
    }

    /** @return whether the engine has been closed (or is closing) */
    public boolean closed() {
        return closed;
    }

    /**
     * Copies another snapshot into this one (no allocation), e.g. to keep a "previous" snapshot for
     * rates.
     *
     * @param other the snapshot to copy
     * @return this
     */
    public EngineStats copyFrom(EngineStats other) {
        published = other.published;
        exported = other.exported;
        System.arraycopy(other.dropped, 0, dropped, 0, dropped.length);
        inFlight = other.inFlight;
        spooled = other.spooled;
        spooledRecovered = other.spooledRecovered;
        spooledRecoveredExported = other.spooledRecoveredExported;
        spooledRecoveredDropped = other.spooledRecoveredDropped;
        spoolCorruptRecords = other.spoolCorruptRecords;
        spoolBytes = other.spoolBytes;
        spoolRecords = other.spoolRecords;
        spoolOldestAgeMillis = other.spoolOldestAgeMillis;
        ringBacklog = other.ringBacklog;
        openRequestSpans = other.openRequestSpans;
        requestSpansOutstanding = other.requestSpansOutstanding;
        requestsSent = other.requestsSent;
        requestsFailed = other.requestsFailed;
        bytesSent = other.bytesSent;
        retries = other.retries;
        rejectedCompletions = other.rejectedCompletions;
        slotsHeldTooLong = other.slotsHeldTooLong;
        heldSlotMillis = other.heldSlotMillis;
        spansOverflowed = other.spansOverflowed;
        ringCapacity = other.ringCapacity;
        requestBuffers = other.requestBuffers;
        requestBuffersInUse = other.requestBuffersInUse;
        offHeapBytesHeld = other.offHeapBytesHeld;
        ignoredSpanCalls = other.ignoredSpanCalls;
        repeatedEnds = other.repeatedEnds;
        samplerErrors = other.samplerErrors;
        closed = other.closed;
        exportLatency.copyFrom(other.exportLatency);
        return this;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(256)
                .append("EngineStats{published=").append(published)
                .append(", exported=").append(exported)
                .append(", inFlight=").append(inFlight)
                .append(", spooled=").append(spooled)
                .append(", dropped={");
        for (DropReason reason : REASONS) {
            if (reason.ordinal() > 0) {
                s.append(", ");
            }
            s.append(reason).append('=').append(dropped[reason.ordinal()]);
        }
        return s.append("}, ringBacklog=").append(ringBacklog)
                .append(", openRequestSpans=").append(openRequestSpans)
                .append(", requestSpansOutstanding=").append(requestSpansOutstanding)
                .append(", requestsSent=").append(requestsSent)
                .append(", requestsFailed=").append(requestsFailed)
                .append(", bytesSent=").append(bytesSent)
                .append(", retries=").append(retries)
                .append(", rejectedCompletions=").append(rejectedCompletions)
                .append(", slotsHeldTooLong=").append(slotsHeldTooLong)
                .append(", heldSlotMillis=").append(heldSlotMillis)
                .append(", spansOverflowed=").append(spansOverflowed)
                .append(", ringCapacity=").append(ringCapacity)
                .append(", requestBuffersInUse=").append(requestBuffersInUse).append('/').append(requestBuffers)
                .append(", offHeapBytesHeld=").append(offHeapBytesHeld)
                .append(", spool={bytes=").append(spoolBytes).append(", records=").append(spoolRecords)
                .append(", oldestAgeMillis=").append(spoolOldestAgeMillis)
                .append(", recovered=").append(spooledRecovered).append(", recoveredExported=")
                .append(spooledRecoveredExported).append(", recoveredDropped=").append(spooledRecoveredDropped)
                .append(", corruptRecords=").append(spoolCorruptRecords).append('}')
                .append(", ignoredSpanCalls=").append(ignoredSpanCalls)
                .append(", repeatedEnds=").append(repeatedEnds)
                .append(", samplerErrors=").append(samplerErrors)
                .append(", exportLatency={count=").append(exportLatency.count())
                .append(", p50Nanos<=").append(exportLatency.percentileNanos(50))
                .append(", p99Nanos<=").append(exportLatency.percentileNanos(99))
                .append(", maxNanos=").append(exportLatency.maxNanos()).append('}')
                .append(", closed=").append(closed)
                .append('}').toString();
    }
}
