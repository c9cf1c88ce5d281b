package io.ringtrace.engine;

import io.ringtrace.codec.RecordWriter;
import io.ringtrace.codec.Resource;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.ops.OperabilityOptions;
import java.time.Duration;

/**
 * What every ringtrace engine is, whatever its signal: a pre-allocated multi-producer ring of
 * compact record slots, one serializer thread encoding published slots as OTLP into a fixed pool of
 * off-heap request buffers, and the {@link SpanExporter} that ships them; with the ring API, flush,
 * close, the accounting and stats. {@link TraceEngine} (records: {@link
 * io.ringtrace.codec.SpanRecord}) and {@link LogEngine} ({@link io.ringtrace.codec.LogRecordWriter})
 * are the two; only this package subclasses it.
 *
 * <h2>Ring API</h2>
 * <pre>{@code
 * long seq = engine.tryClaim();           // or claim(): waits for a slot
 * if (seq >= 0) {
 *     try {
 *         engine.record(seq)...;          // the slot's record, written in place
 *     } finally {
 *         engine.publish(seq);            // always, exactly once, promptly
 *     }
 * }}</pre>
 * A negative claim result is a failure code ({@link #RING_FULL}, {@link #CLOSED}, {@link
 * #DISABLED}), never an exception; a failed {@code tryClaim()} counts one record dropped ({@code
 * RING_FULL} or {@code SHUTDOWN}), so call it once per record and give the record up on failure. An
 * unpublished slot holds back every slot after it (the serializer waits for it without spinning,
 * and still seals and flushes what came before it; a slot held for over a second is counted in
 * {@link EngineStats#slotsHeldTooLong()} and logged): claim when the record is ready to be written.
 * The record is clean (reset by the claim). Allocation-free.
 *
 * <h2>Accounting</h2>
 * {@link #stats(EngineStats)}: in every snapshot {@code published = exported + dropped + inFlight},
 * with every dropped record under one {@link DropReason}, and {@code inFlight} 0 after {@link
 * #flush} or {@link #close}.
 *
 * @param <R> the record writer of the engine's slots
 */
public abstract class PipelineEngine<R extends RecordWriter<R>> implements AutoCloseable {

    /** {@link #tryClaim()} failure: the ring is full (counted as {@link DropReason#RING_FULL}). */
    public static final long RING_FULL = SlotRing.RING_FULL;
    /** Claim failure: the engine is closed (counted as {@link DropReason#SHUTDOWN}). */
    public static final long CLOSED = SlotRing.CLOSED;
    /** Claim failure: the engine is disabled (a no-op engine; nothing is counted). */
    public static final long DISABLED = SlotRing.DISABLED;

    final String name;
    final EpochClock clock = new EpochClock();
    private final boolean disabled;
    private final Resource resource;
    private final OverloadPolicy overloadPolicy;
    /** The generic machinery: ring, serializer, request pool, counters, flush and close. */
    final Pipeline<R> pipeline;
    /** The producers' side of the ring: claim, record, publish. */
    final SlotRing<R> ring;
    /** The pipeline's counters (tests look inside a seal). */
    final EngineCounters counters;
    /**
     * The MBean, monitor, JFR hook and leak detector: set by the subclass's constructor before the
     * pipeline starts, started by the builder once the engine is complete; null when disabled.
     */
    EngineOperability operability;

    /** What {@link #toString()} says: the engine's settings. */
    private final String description;

    /**
     * Allocates the pipeline (unless disabled); the subclass starts it when it is complete.
     *
     * @param description the engine's settings, for {@link #toString()}: computed by the caller
     *     before anything is allocated, since what describes a setting may throw
     */
    PipelineEngine(String name, boolean disabled, PipelineSettings settings, RecordFormat<R> format, Resource resource,
                   SpanExporter exporter, String threadName, String description) {
        this.name = name;
        this.description = description;
        this.disabled = disabled;
        this.resource = resource;
        this.overloadPolicy = settings.overloadPolicy;
        // the serializer thread holds this engine (its exception handler): a running engine stays
        // reachable, which pooled records that hold it weakly rely on
        this.pipeline = disabled ? Pipeline.disabled(name)
                : new Pipeline<>(name, threadName, settings, format, resource, exporter, this);
        this.ring = pipeline.slotRing;
        this.counters = pipeline.counters;
    }

    /** Starts the MBean, the monitor and the JFR hook once the engine is complete (from build()). */
    final void startOperability(OperabilityOptions options) {
        if (operability == null) {
            return; // disabled engine: nothing to show
        }
        try {
            operability.start(this, options);
        } catch (RuntimeException | Error e) {
            close(Duration.ZERO);
            throw e;
        }
    }

    // ================================================================================ ring API

    /**
     * Claims a ring slot without waiting. Allocation-free and exception-free.
     *
     * @return the slot's sequence (&gt;= 0), or {@link #RING_FULL} (counted as a {@code RING_FULL}
     *     drop), {@link #CLOSED} (counted as a {@code SHUTDOWN} drop) or {@link #DISABLED}
     */
    public final long tryClaim() {
        return ring.tryClaim();
    }

    /**
     * Claims a ring slot, waiting (spin, yield, then park) while the ring is full. Allocation-free.
     * The wait ends when a slot frees up or the engine closes, not on an interrupt: an interrupted
     * thread keeps waiting (parked, without spinning) and its interrupt status is kept.
     *
     * @return the slot's sequence (&gt;= 0), or {@link #CLOSED} if the engine closed meanwhile
     *     (counted as a {@code SHUTDOWN} drop), or {@link #DISABLED}
     */
    public final long claim() {
        return ring.claim();
    }

    /**
     * @param sequence a sequence returned by {@link #tryClaim()} or {@link #claim()} and not yet
     *     published
     * @return the slot's record, clean, to fill before {@link #publish(long)}
     * @throws IllegalArgumentException if {@code sequence} is a failure code
     */
    public final R record(long sequence) {
        return ring.record(sequence);
    }

    /**
     * Publishes a filled slot to the serializer. Call exactly once per claimed sequence, also when
     * filling failed: a record whose fill failed (a setter threw: {@code fillFailed()}) is not
     * exported but counted as {@link DropReason#INVALID_SPAN}, one marked too large as {@link
     * DropReason#SPAN_TOO_LARGE}; the subclass says what else its signal requires.
     *
     * @param sequence a claimed sequence
     * @throws IllegalArgumentException if {@code sequence} is a failure code
     * @throws IllegalStateException if it was never claimed or is already published (detected
     *     cheaply, on the ring's own bookkeeping)
     */
    public final void publish(long sequence) {
        ring.publish(sequence);
    }

    /** @return the overflow buffers taken now (tests: every one comes back once its record is read) */
    final int overflowBuffersTaken() {
        return pipeline.overflowBuffersTaken();
    }

    // ============================================================================== lifecycle

    /**
     * Waits until every record published before this call has been handed to the exporter and the
     * exporter has completed it (or the deadline passes). Seals the partial batch at once rather
     * than waiting for the schedule delay. A ring slot claimed and not yet published is not waited
     * for, but the records published after it are, and they cannot be exported before it is
     * published. An interrupt does not end the wait early; the thread's interrupt status is kept.
     *
     * @param timeout how long to wait at most
     * @return true if everything was completed in time (a closed or disabled engine: whether its
     *     close was clean; false while a close is still under way when the timeout passes)
     */
    public final boolean flush(Duration timeout) {
        return pipeline.flush(timeout);
    }

    /**
     * Stops accepting records (claims return {@link #CLOSED}), drains what was published, exports
     * it, shuts the exporter down (giving it the rest of the deadline), stops the serializer thread
     * and frees every off-heap buffer. Records that could not be exported by the deadline are counted
     * as {@link DropReason#SHUTDOWN}. Ring slots claimed before the call are waited for (their
     * producers are filling them), but a slot the serializer has waited for longer than a second is
     * given up: what came before it is exported, it and the slots after it are counted as {@code
     * SHUTDOWN}. An interrupt does not cut the close short (nor the exporter's shutdown within it);
     * the caller's interrupt status is kept. Idempotent: later calls return the first call's result;
     * a call while another thread's close is under way waits for it, but at most its own {@code
     * timeout} (then returns false).
     *
     * @param timeout how long to wait at most for draining and exporting
     * @return true if everything published before the call was exported (or dropped for another
     *     reason); false if records were dropped as {@code SHUTDOWN}
     */
    public final boolean close(Duration timeout) {
        return pipeline.close(timeout);
    }

    /** Closes with the engine's default timeout: see {@link #close(Duration)}. */
    @Override
    public abstract void close();

    // ================================================================================== stats

    /**
     * Fills {@code into} with a snapshot of the counters. Allocation-free.
     *
     * @param into the snapshot to fill
     * @return {@code into}
     */
    public final EngineStats stats(EngineStats into) {
        return pipeline.stats(into);
    }

    /**
     * Records lost for one reason so far (allocation-free; e.g. for a JFR or metrics hook).
     *
     * @param reason the reason
     * @return the count, as {@link EngineStats#dropped(DropReason)} would report it
     */
    public final long dropped(DropReason reason) {
        return pipeline.dropped(reason);
    }

    /** @return off-heap bytes held by the request buffers now (0 once closed); allocation-free */
    public final long offHeapBytesHeld() {
        return pipeline.offHeapBytesHeld();
    }

    // ================================================================================ queries

    /** @return the engine's name */
    public final String name() {
        return name;
    }

    /** @return whether this is a no-op engine ({@code OTEL_SDK_DISABLED=true} or {@code disabled(true)}) */
    public final boolean isDisabled() {
        return disabled;
    }

    /** @return whether {@link #close} has begun (always true for a disabled engine) */
    public final boolean isClosed() {
        return pipeline.isClosed();
    }

    /**
     * @return what a full ring does to a producer: ring-API users that follow it call {@link
     *     #claim()} under {@code BLOCK} and {@link #tryClaim()} under {@code DROP}
     */
    public final OverloadPolicy overloadPolicy() {
        return overloadPolicy;
    }

    /** @return the resource of every exported record */
    public final Resource resource() {
        return resource;
    }

    /** @return the number of ring slots (0 when disabled) */
    public final int ringSize() {
        return pipeline.ringSize;
    }

    /** @return the current time in epoch nanoseconds by the engine's (allocation-free) clock */
    public final long nowEpochNanos() {
        return clock.nowEpochNanos();
    }

    @Override
    public final String toString() {
        return description;
    }
}
