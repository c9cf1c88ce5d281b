package io.ringtrace.engine;

import com.lmax.disruptor.RingBuffer;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.RequestPool;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Reads an engine's counters into {@link EngineStats} snapshots that add up: the serializer's
 * counters as one consistent set (a seqlock on its version), the ring's backlog bounded by what the
 * ring can hold, and the slots left in the ring by a stopped serializer counted as {@code SHUTDOWN}.
 * Allocation-free; any thread.
 */
final class StatsReader {

    private static final DropReason[] REASONS = DropReason.values();
    /** Consistent reads tried at once before yielding to a serializer inside a seal. */
    private static final int SNAPSHOT_SPINS = 64;
    /** How long to wait at most for a seal to end (a serializer thread descheduled inside it). */
    private static final long SNAPSHOT_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final EngineCounters counters;
    private final RingBuffer<?> ring;
    private final int ringSize;
    private final Serializer<?> serializer;
    /** The request pool: its completions count what was exported and lost after the hand-off. */
    private final RequestPool requests;

    StatsReader(EngineCounters counters, RingBuffer<?> ring, int ringSize, Serializer<?> serializer,
            RequestPool requests) {
        this.counters = counters;
        this.ring = ring;
        this.ringSize = ringSize;
        this.serializer = serializer;
        this.requests = requests;
    }

    /** Fills {@code into} as a disabled engine reports: nothing counted, nothing held, closed. */
    static EngineStats fillDisabled(EngineStats into) {
        Arrays.fill(into.dropped, 0);
        into.published = into.exported = into.inFlight = into.ringBacklog = 0;
        into.spooled = into.spooledRecovered = into.spooledRecoveredExported = into.spooledRecoveredDropped = 0;
        into.spoolCorruptRecords = into.spoolBytes = into.spoolRecords = into.spoolOldestAgeMillis = 0;
        into.openRequestSpans = into.requestSpansOutstanding = 0;
        into.requestsSent = into.requestsFailed = into.bytesSent = into.retries = into.rejectedCompletions = 0;
        into.slotsHeldTooLong = into.heldSlotMillis = into.spansOverflowed = 0;
        into.ringCapacity = into.requestBuffers = into.requestBuffersInUse = 0;
        into.offHeapBytesHeld = 0;
        into.ignoredSpanCalls = into.repeatedEnds = into.samplerErrors = 0;
        into.exportLatency.clear();
        into.closed = true;
        return into;
    }

    /**
     * @param into the snapshot to fill
     * @param closed whether the engine's close has begun
     * @return {@code into}
     */
    EngineStats read(EngineStats into, boolean closed) {
        // Every counter is read once, and each span is, at every instant, in exactly one counter along
        // its way (edge drop; claimed and not yet taken by the serializer; open; handed off; exported;
        // dropped), so the snapshot adds up by construction. The read order keeps each part >= 0:
        // downstream first (a span moving meanwhile is then seen upstream, never lost or twice), and
        // the serializer's counters as one consistent set (a seal moves spans between two of them).
        // the spool's exits before its entry: drops before deliveries (a partial success adds the
        // delivered spans first), both before the spans that went in
        SpoolCounters spool = counters.spool;
        long spoolExits = 0;
        for (DropReason reason : REASONS) {
            long d = spool.dropped(reason);
            spoolExits += d;
            into.dropped[reason.ordinal()] = d;
        }
        long spoolDelivered = spool.delivered();
        spoolExits += spoolDelivered;
        long exported = requests.exported();
        long completionDrops = 0;
        for (DropReason reason : REASONS) {
            long d = requests.dropped(reason);
            completionDrops += d;
            into.dropped[reason.ordinal()] += d;
        }
        long spooledTotal = spool.spooledTotal(); // a completion as spooled leaves the handed-off spans here
        long open = 0;
        long handedOff = 0;
        long serializerShutdownDrops = 0;
        long version;
        int attempts = 0;
        long giveUpAt = 0;
        do {
            if (attempts++ >= SNAPSHOT_SPINS) { // a seal is a few stores: only a descheduled serializer takes long
                long now = System.nanoTime();
                if (giveUpAt == 0) {
                    giveUpAt = now + SNAPSHOT_PATIENCE_NANOS;
                } else if (now - giveUpAt >= 0) {
                    break; // never hang a monitoring thread: use this read, off by at most one request
                }
                Thread.yield();
            }
            version = counters.serializerVersion();
            open = counters.openRequestSpans();
            handedOff = counters.handedOffSpans();
            serializerShutdownDrops = counters.serializerDrops(DropReason.SHUTDOWN); // changes with open at close
            into.requestsSent = counters.requestsSent();
            into.bytesSent = counters.bytesSent();
        } while (!counters.serializerUnchangedSince(version));
        long serializerDrops = 0;
        for (DropReason reason : REASONS) {
            // the other reasons change alone, one span at a time: any single read of them is consistent
            long d = reason == DropReason.SHUTDOWN ? serializerShutdownDrops : counters.serializerDrops(reason);
            serializerDrops += d;
            into.dropped[reason.ordinal()] += d;
        }
        long consumed = open + handedOff + serializerDrops;
        // after the serializer's counters, so claimed >= consumed. At the instant the serializer's
        // counters were read, at most ringSize slots were claimed beyond what it had consumed (the ring
        // gates producers on its sequence), and the cursor passes through every value: the bound is a
        // value the cursor held between then and now, so a reader descheduled between the two reads
        // still reports a backlog the ring can hold
        long claimed = Math.min(ring.getCursor() + 1, consumed + ringSize);
        long publishedAtEdge = 0;
        for (DropReason reason : REASONS) {
            long d = counters.edgeDrops(reason);
            into.dropped[reason.ordinal()] += d;
            if (reason == DropReason.RING_FULL || reason == DropReason.POOL_EXHAUSTED || reason == DropReason.SHUTDOWN) {
                publishedAtEdge += d; // spans refused before the ring: published and dropped, never claimed
            }
        }
        long backlog = claimed - consumed;
        long lost = ringBacklogLost(backlog);
        into.dropped[DropReason.SHUTDOWN.ordinal()] += lost;
        into.exported = exported + spoolDelivered;
        into.ringBacklog = backlog - lost;
        into.openRequestSpans = open;
        into.requestSpansOutstanding = handedOff - exported - completionDrops - spooledTotal;
        into.spooled = spooledTotal - spoolExits;
        into.spooledRecovered = spool.recovered();
        into.spooledRecoveredExported = spool.recoveredDelivered();
        into.spooledRecoveredDropped = spool.recoveredDropped();
        into.spoolCorruptRecords = spool.corruptRecords();
        into.spoolBytes = spool.sizeBytes();
        into.spoolRecords = spool.sizeRecords();
        long oldest = spool.oldestEpochMillis();
        into.spoolOldestAgeMillis = oldest == 0 ? 0 : Math.max(0, System.currentTimeMillis() - oldest);
        into.inFlight = into.ringBacklog + open + into.requestSpansOutstanding;
        into.published = claimed + publishedAtEdge;
        into.requestsFailed = requests.requestsFailed();
        into.retries = requests.retries() + spool.replayRetries();
        into.rejectedCompletions = requests.rejectedCompletions();
        into.slotsHeldTooLong = counters.slotsHeldTooLong();
        into.spansOverflowed = counters.spansOverflowed();
        long heldSince = counters.heldSlotSinceNanos();
        into.heldSlotMillis = heldSince == 0 ? 0 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - heldSince));
        into.ringCapacity = ringSize;
        into.requestBuffers = requests.size();
        into.requestBuffersInUse = requests.inUse();
        into.offHeapBytesHeld = requests.offHeapBytesHeld();
        into.ignoredSpanCalls = counters.ignoredSpanCalls();
        into.repeatedEnds = counters.repeatedEnds();
        into.samplerErrors = counters.samplerErrors();
        requests.exportLatency().copyInto(into.exportLatency);
        into.closed = closed;
        return into;
    }

    /** @return spans lost for one reason so far, as {@link EngineStats#dropped(DropReason)} reports them */
    long dropped(DropReason reason) {
        long count = counters.edgeDrops(reason) + counters.serializerDrops(reason) + requests.dropped(reason)
                + counters.spool.dropped(reason);
        return reason == DropReason.SHUTDOWN ? count + ringBacklogLost() : count;
    }

    /** Slots published but never consumed because the serializer has stopped: SHUTDOWN drops. */
    long ringBacklogLost() {
        if (!serializer.stopped()) {
            return 0;
        }
        // stopped: the serializer's counters no longer change
        long consumed = counters.openRequestSpans() + counters.handedOffSpans();
        for (DropReason reason : REASONS) {
            consumed += counters.serializerDrops(reason);
        }
        return ring.getCursor() + 1 - consumed;
    }

    private long ringBacklogLost(long backlog) {
        return serializer.stopped() ? backlog : 0;
    }
}
