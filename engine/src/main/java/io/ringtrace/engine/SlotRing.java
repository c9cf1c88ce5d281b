package io.ringtrace.engine;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.ringtrace.codec.RecordWriter;
import io.ringtrace.engine.export.DropReason;

/**
 * The producers' side of a ring, whatever the signal: claiming a slot (without waiting, or waiting
 * under {@link OverloadPolicy#BLOCK}), handing out its record flyweight, and publishing it, for the
 * ring API and the pooled records' copy (span API, logger API) alike, with every refusal counted.
 * The one place producer threads touch the Disruptor; {@link TraceEngine} and {@code LogEngine}
 * delegate their ring API here.
 *
 * <p>Read top to bottom, a ring-API record is {@link #tryClaim()} (a CAS on the multi-producer
 * cursor, then the slot's header reset), the caller's writes into {@link #record(long)}, and
 * {@link #publish(long)} (a release store of the slot's availability flag, which orders the
 * writes before the serializer's reads). A pooled record is {@link #publishCopy}: the same claim
 * without the reset, one copy of the record's used bytes, the same publish. The record's {@code
 * reset()} and {@code copyFrom()} are final methods of {@link RecordWriter}: no virtual call on the
 * way, whichever signals run in the JVM.
 *
 * @param <R> the signal's record writer
 */
final class SlotRing<R extends RecordWriter<R>> {

    /** Claim failure: the ring is full (counted as {@link DropReason#RING_FULL}). */
    static final long RING_FULL = -1;
    /** Claim failure: the engine is closed (counted as {@link DropReason#SHUTDOWN}). */
    static final long CLOSED = -2;
    /** Claim failure: the engine is disabled (nothing is counted). */
    static final long DISABLED = -3;

    private final RingBuffer<R> ring;
    private final int ringSize;
    private final OverloadPolicy overloadPolicy;
    private final EngineCounters counters;
    /** A disabled engine's ring: no slots, every claim answers {@link #DISABLED}. */
    private final boolean disabled;
    /** Set once by close (at build for a disabled engine); read by every claim. */
    private volatile boolean closed;

    SlotRing(RingBuffer<R> ring, int ringSize, OverloadPolicy overloadPolicy, EngineCounters counters) {
        this.ring = ring;
        this.ringSize = ringSize;
        this.overloadPolicy = overloadPolicy;
        this.counters = counters;
        this.disabled = ring == null;
        this.closed = disabled; // one check on the hot path covers both "closed" and "disabled"
    }

    /** @return a ring that refuses every claim with {@link #DISABLED} */
    static <R extends RecordWriter<R>> SlotRing<R> disabled(EngineCounters counters) {
        return new SlotRing<>(null, 0, OverloadPolicy.DROP, counters);
    }

    /** Producers see it on their next claim; a claim already past the check still completes. */
    void close() {
        closed = true;
    }

    boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- ring API

    /** @see TraceEngine#tryClaim() */
    long tryClaim() {
        return cleaned(tryClaimRaw());
    }

    /** @see TraceEngine#claim() */
    long claim() {
        return cleaned(claimRaw());
    }

    /** @see TraceEngine#record(long) */
    R record(long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("not a claimed sequence: " + sequence + " (claim failed; check the result)");
        }
        return ring.get(sequence);
    }

    /** @see TraceEngine#publish(long) */
    void publish(long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("not a claimed sequence: " + sequence + " (claim failed; check the result)");
        }
        long cursor = ring.getCursor();
        if (sequence > cursor) {
            throw new IllegalStateException("sequence " + sequence + " was never claimed");
        }
        // an unpublished slot can never be lapped (the serializer cannot pass it), so a sequence a
        // whole ring behind the cursor, or one already marked available, was published before
        if (cursor - sequence >= ringSize || ring.isAvailable(sequence)) {
            throw new IllegalStateException("sequence " + sequence + " was already published");
        }
        ring.publish(sequence); // release store of the slot's availability flag: the record's writes happen-before the serializer's reads
    }

    // ---------------------------------------------------------------- pooled records (span API, logger API)

    /**
     * Claims a slot per the overload policy, copies the used bytes of {@code source} into it (into
     * an overflow buffer the slot points at if they do not fit; with none free, the slot is marked
     * too large and counted {@code SPAN_TOO_LARGE}) and publishes it.
     */
    void publishCopy(R source) {
        long sequence = claimUncleaned();
        if (sequence < 0) {
            return; // counted by the claim
        }
        boolean handedOff = false;
        try {
            ring.get(sequence).copyFrom(source); // one copy of the used bytes, header included; a final method
            handedOff = true;
        } finally {
            if (!handedOff) { // cannot happen short of a bug: publish an empty slot, counted as INVALID_SPAN
                cleaned(sequence);
            }
            ring.publish(sequence); // always: an unpublished slot would stall the ring
        }
    }

    // ---------------------------------------------------------------- a claim's holder (logger API)

    /**
     * Claims a slot per the overload policy without cleaning it (a failure is counted as by {@link
     * #tryClaim()}): for a holder that overwrites the header itself, as the logger API's prepared
     * record start does, and as {@link #publishCopy} does with its copy.
     */
    long claimUncleaned() {
        return overloadPolicy == OverloadPolicy.BLOCK ? claimRaw() : tryClaimRaw();
    }

    /** The record of a sequence its caller claimed and holds: no check (see {@link #record(long)} for the ring API's). */
    R claimedRecord(long sequence) {
        return ring.get(sequence);
    }

    /**
     * Publishes a sequence its caller claimed and holds, unpublished: the holder keeps that itself
     * (it forgets the sequence before publishing it), so the ring API's misuse checks, two reads of
     * lines the serializer polls, are not needed.
     */
    void publishClaimed(long sequence) {
        ring.publish(sequence); // release store of the slot's availability flag, as publish(long)
    }

    // ---------------------------------------------------------------- claiming

    /** tryClaim without cleaning the slot: for a pooled record, whose copy overwrites the slot. */
    private long tryClaimRaw() {
        if (closed) {
            return rejectClosed();
        }
        try {
            return ring.tryNext(); // CAS on the multi-producer cursor, checked against the serializer's sequence
        } catch (InsufficientCapacityException full) { // a shared, stackless instance: no allocation
            counters.droppedAtEdge(DropReason.RING_FULL);
            return RING_FULL;
        }
    }

    /**
     * Resets a claimed slot's header for a ring-API producer (a final method of the record). The producer does it, not the
     * serializer: the producer is about to write that cache line anyway, while a reset by the
     * serializer would take the line over from the producer's core once more only for the next
     * producer to take it back.
     */
    private long cleaned(long sequence) {
        if (sequence >= 0) {
            ring.get(sequence).reset();
        }
        return sequence;
    }

    /** claim without cleaning the slot: for a pooled record, whose copy overwrites the slot. */
    private long claimRaw() {
        if (closed) {
            return rejectClosed();
        }
        try {
            return ring.tryNext();
        } catch (InsufficientCapacityException full) {
            return claimSlowly();
        }
    }

    private long claimSlowly() {
        boolean interrupted = false;
        try {
            for (int attempt = 0; ; attempt++) {
                if (closed) {
                    return rejectClosed(); // a closing engine must not leave producers waiting forever
                }
                if (ring.hasAvailableCapacity(1)) {
                    try {
                        return ring.tryNext();
                    } catch (InsufficientCapacityException raced) {
                        // another producer took it: wait again
                    }
                }
                if (attempt < 100) {
                    Thread.onSpinWait();
                } else if (attempt < 200) {
                    Thread.yield();
                } else {
                    // BLOCK loses no record: an interrupt does not end the wait (close() does), and is kept
                    interrupted |= EngineLifecycle.pauseClearingInterrupt(EngineLifecycle.WAIT_PAUSE_NANOS);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private long rejectClosed() {
        if (disabled) {
            return DISABLED;
        }
        counters.droppedAtEdge(DropReason.SHUTDOWN);
        return CLOSED;
    }
}
