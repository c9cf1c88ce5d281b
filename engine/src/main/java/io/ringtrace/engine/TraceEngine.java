package io.ringtrace.engine;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.Resource;
import io.ringtrace.codec.SpanFlags;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.TraceRequestEncoder;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.leak.OpenSpanDetector;
import io.ringtrace.engine.leak.SpanPoolLeakView;
import io.ringtrace.engine.ops.EngineOperability;
import io.ringtrace.engine.ops.OperabilityOptions;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The ringtrace engine: a pre-allocated multi-producer ring of compact span slots (one heap array,
 * the {@link io.ringtrace.codec.SpanSlot} format, written in place through {@link SpanRecord}
 * flyweights), one serializer thread that encodes each published slot in place as OTLP into a fixed
 * pool of off-heap request buffers, and the {@link SpanExporter} that ships them. Build with
 * {@link #builder()}.
 *
 * <h2>Producing spans</h2>
 * <ul>
 *   <li>Ring API (lowest level, what a benchmark or a custom instrumentation drives):
 *   <pre>{@code
 *   long seq = engine.tryClaim();           // or claim(): waits for a slot
 *   if (seq >= 0) {
 *       try {
 *           engine.record(seq).scope(scope).traceId(hi, lo).spanId(id).name(NAME)
 *                 .startEpochNanos(t0).endEpochNanos(t1).attribute(KEY, value);
 *       } finally {
 *           engine.publish(seq);            // always, exactly once, promptly
 *       }
 *   }}</pre>
 *   Claim at span end, never at span start: an unpublished slot holds back every slot after it
 *   (the serializer waits for it without spinning, and still seals and flushes what came before
 *   it; a slot held for over a second is counted in {@link EngineStats#slotsHeldTooLong()} and
 *   logged).
 *   The record is clean (reset by the claim) when claimed; a span that outgrows the slot moves
 *   into an overflow buffer (see below). A negative result is a failure code
 *   ({@link #RING_FULL}, {@link #CLOSED}, {@link #DISABLED}), never an exception; a failed
 *   {@code tryClaim()} counts one span dropped ({@code RING_FULL} or {@code SHUTDOWN}), so call it
 *   once per span and give the span up on failure.
 *   <li>Span API: {@link #tracer(InstrumentationScope)}, then {@link Tracer#start}, and
 *   {@link Span#end()}, which claims (per the {@link OverloadPolicy}), copies the span's used bytes
 *   into the slot in one copy (into an overflow buffer if bigger than the slot) and publishes.
 * </ul>
 * Both paths allocate nothing per span in steady state.
 *
 * <h2>Memory bound</h2>
 * Fixed at build time, nothing grows with load:
 * <ul>
 *   <li>heap: {@code ringSize x (slotBytes + 56)} (the slots, one array, and a 48-byte flyweight
 *   per slot with the ring's reference and availability flag) plus {@code overflowBuffers x
 *   (SpanSlot.maxSpanBytes(spanLimits) + 24)} (8,336 + 24 bytes each with the default limits):
 *   5,188,432 bytes for the defaults (8,192 slots of 512 bytes, 64 overflow buffers), 1,117,008
 *   for 1,024 slots, 37,759,824 for 65,536; {@code build()} rejects more than 2 GiB of slots or a
 *   ring that would take more than three quarters of the maximum heap;
 *   <li>off-heap: {@code requestBuffers x TraceRequestEncoder.requiredCapacity(maxRequestBytes)}
 *   (2.125 x maxRequestBytes + 64 each: 8,913,152 bytes for the defaults 4 x 1 MiB), allocated
 *   (and, by Chronicle, zeroed, so resident at once) at build and freed at close ({@link
 *   #offHeapBytesHeld()});
 *   <li>in all, with the defaults: ~14.1 MB (1,024 slots: ~10.0 MB; 65,536 slots: ~46.7 MB);
 *   <li>per producer thread using the span API: at most {@code spansPerThread} pooled spans of
 *   {@link SpanLimits#recordHeapBytes()} each (~8.6 KB with the default limits), created on first
 *   use.
 * </ul>
 * A closed engine that the application no longer references (nor its tracers) is garbage-collected
 * with all of the above, also while threads that used its span API live on: their pools hold the
 * engine weakly.
 *
 * <h2>Lifecycle</h2>
 * {@link #flush(Duration)} waits until everything published before the call has been exported and
 * acknowledged. {@link #close(Duration)} stops accepting spans, drains the ring, exports, shuts the
 * exporter down, stops the serializer thread and frees every off-heap buffer; what it could not
 * export by the deadline is counted as {@link DropReason#SHUTDOWN}. It is idempotent.
 *
 * <h2>Accounting</h2>
 * {@link #stats(EngineStats)}: at any quiescent point {@code published = exported + dropped +
 * inFlight}, with every dropped span under one {@link DropReason}.
 *
 * <h2>Threads</h2>
 * One daemon thread, {@code ringtrace-serializer-<name>}, from build to close; the exporter may
 * have its own. All public methods are thread-safe.
 */
public final class TraceEngine implements AutoCloseable {

    /** {@link #tryClaim()} failure: the ring is full (counted as {@link DropReason#RING_FULL}). */
    public static final long RING_FULL = -1;
    /** Claim failure: the engine is closed (counted as {@link DropReason#SHUTDOWN}). */
    public static final long CLOSED = -2;
    /** Claim failure: the engine is disabled (a no-op engine; nothing is counted). */
    public static final long DISABLED = -3;
    /** Timeout of {@link #close()}. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger(TraceEngine.class.getName());
    private static final long MAX_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MIN_TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long WAIT_PAUSE_NANOS = TimeUnit.MICROSECONDS.toNanos(100);

    final String name;
    final SpanLimits limits;
    final EpochClock clock = new EpochClock();

    private final boolean disabled;
    private final RingBuffer<SpanRecord> ring;
    private final int ringSize;
    /** The ring's memory: the slots and the overflow buffers; null for a disabled engine. */
    private final SpanSlots slots;
    private final OverloadPolicy overloadPolicy;
    private final Sampler sampler;
    final EngineCounters counters = new EngineCounters(); // package-private: tests look inside a seal
    private final RequestPool requests;
    private final Serializer serializer;
    private final BatchEventProcessor<SpanRecord> processor;
    private final Thread serializerThread;
    private final SpanExporter exporter;
    private final ThreadLocal<SpanPool> pools;
    private final Span noopSpan;
    private final Resource resource;
    private final String description;
    /** The MBean, monitor, JFR hook and leak detector (null for a disabled engine). */
    private final EngineOperability operability;
    /** The open-span leak detector, or null (off): span pools register with it. */
    final OpenSpanDetector leakDetector;
    /** Leak detector debug setting: capture each span's start stack (allocates per span). */
    private final boolean leakStacks;
    /** Whether a sampler exception was logged; a plain flag: see {@link #sample}. */
    private boolean loggedSamplerError;

    /** Set once by close (or at build for a disabled engine); read by every claim. */
    private volatile boolean closed;
    /** Guards the flip of {@link #closed} in close(), so that exactly one caller runs the shutdown. */
    private final Object lifecycleLock = new Object();
    /** Set by the closing thread when its shutdown has ended; flush and later closes wait for it. */
    private volatile boolean closeDone;
    /** The shutdown's result, written before {@link #closeDone}. */
    private volatile boolean closeClean;

    TraceEngine(TraceEngineBuilder b) {
        this.name = b.name;
        this.limits = b.spanLimits;
        this.disabled = b.disabled;
        this.overloadPolicy = b.overloadPolicy;
        this.sampler = b.sampler;
        this.resource = b.resource;
        this.exporter = b.exporter;
        this.noopSpan = new Span(null, -1, new SpanRecord(limits), Span.NOOP);
        int spansPerThread = b.spansPerThread;
        SpanPoolListener poolListener = b.spanPoolListener;
        this.pools = ThreadLocal.withInitial(() -> {
            SpanPool pool = new SpanPool(this, Thread.currentThread(), spansPerThread);
            if (poolListener != null) {
                poolListener.poolCreated(pool); // once per thread, at its first span
            }
            OpenSpanDetector detector = leakDetector(); // read at the pool's creation, after the constructor
            if (detector != null) {
                detector.register(new SpanPoolLeakView(pool, this)); // operability: open-span detector
            }
            return pool;
        });
        long scheduleDelayNanos = b.scheduleDelay.toNanos();
        long tickNanos = Math.max(MIN_TICK_NANOS, Math.min(MAX_TICK_NANOS, scheduleDelayNanos / 4));
        this.description = "TraceEngine{name=" + name + ", ringSize=" + b.ringSize + ", overloadPolicy=" + overloadPolicy
                + ", maxExportBatchSize=" + b.maxExportBatchSize + ", maxRequestBytes=" + b.maxRequestBytes
                + ", requestBuffers=" + b.requestBuffers + ", scheduleDelay=" + b.scheduleDelay
                + ", waitStrategy=" + b.waitStrategy + ", sampler=" + sampler.description()
                + ", spansPerThread=" + spansPerThread + (disabled ? ", DISABLED" : "") + "}";
        if (disabled) {
            this.ring = null;
            this.ringSize = 0;
            this.slots = null;
            this.requests = null;
            this.serializer = null;
            this.processor = null;
            this.serializerThread = null;
            this.operability = null;
            this.leakDetector = null;
            this.leakStacks = false;
            this.closed = true; // one check on the hot path covers both "closed" and "disabled"
            this.closeClean = true;
            this.closeDone = true;
            return;
        }
        this.ringSize = b.ringSize;
        TimedWaitStrategy waitStrategy = TimedWaitStrategy.create(b.waitStrategy, tickNanos, b.ringSize);
        this.slots = new SpanSlots(b.ringSize, b.slotBytes, b.overflowBuffers, limits);
        this.ring = RingBuffer.createMultiProducer(slots::newFlyweight, b.ringSize, waitStrategy);
        slots.checkOrder(ring::get);
        waitStrategy.watch(ring, counters, name); // it waits for publication, which the ring's sequencer knows
        TraceRequestEncoder encoder = new TraceRequestEncoder(resource, b.maxRequestBytes);
        this.requests = new RequestPool(b.requestBuffers, encoder.requiredCapacity(), counters, name);
        this.serializer = new Serializer(encoder, requests, exporter, counters, b.maxExportBatchSize,
                scheduleDelayNanos, tickNanos, slots);
        this.processor = new BatchEventProcessorBuilder().build(ring, ring.newBarrier(), serializer);
        // an inner class: through it the serializer thread keeps a running engine strongly reachable,
        // which the span pools rely on (they hold the engine weakly, see SpanPool)
        this.processor.setExceptionHandler(new LoggingExceptionHandler());
        ring.addGatingSequences(processor.getSequence()); // producers never overwrite unserialized slots
        this.serializerThread = new Thread(processor, "ringtrace-serializer-" + name);
        serializerThread.setDaemon(true);
        this.operability = EngineOperability.startDetector(name, b.operability); // before any span starts
        this.leakDetector = operability.leakDetector();
        this.leakStacks = leakDetector != null && leakDetector.captureStacks();
        serializerThread.start();
    }

    private OpenSpanDetector leakDetector() {
        return leakDetector;
    }

    /** Starts the MBean, the monitor and the JFR hook once the engine is complete (from build()). */
    void startOperability(OperabilityOptions options) {
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

    /** @return a builder with the defaults */
    public static TraceEngineBuilder builder() {
        return new TraceEngineBuilder();
    }

    // ================================================================================ ring API

    /**
     * Claims a ring slot without waiting. Allocation-free and exception-free.
     *
     * @return the slot's sequence (&gt;= 0), or {@link #RING_FULL} (counted as a
     *     {@code RING_FULL} drop), {@link #CLOSED} (counted as a {@code SHUTDOWN} drop) or
     *     {@link #DISABLED}
     */
    public long tryClaim() {
        return cleaned(tryClaimRaw());
    }

    /** tryClaim without cleaning the slot: for the span API, whose copy overwrites the slot. */
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
     * Resets a claimed slot's header for a ring-API producer. The producer does it, not the
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

    /**
     * Claims a ring slot, waiting (spin, yield, then park) while the ring is full. Allocation-free.
     * The wait ends when a slot frees up or the engine closes, not on an interrupt: an interrupted
     * thread keeps waiting (parked, without spinning) and its interrupt status is kept.
     *
     * @return the slot's sequence (&gt;= 0), or {@link #CLOSED} if the engine closed meanwhile
     *     (counted as a {@code SHUTDOWN} drop), or {@link #DISABLED}
     */
    public long claim() {
        return cleaned(claimRaw());
    }

    /** claim without cleaning the slot: for the span API, whose copy overwrites the slot. */
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
                    // BLOCK loses no span: an interrupt does not end the wait (close() does), and is kept
                    interrupted |= pauseClearingInterrupt(WAIT_PAUSE_NANOS);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * One pause of a wait loop. {@code parkNanos} returns at once while the thread's interrupt flag
     * is set, which would turn the loop into a busy spin, so the flag is cleared here; the caller
     * sets it again before it returns. Allocation-free.
     *
     * @return whether the thread was interrupted
     */
    private static boolean pauseClearingInterrupt(long nanos) {
        LockSupport.parkNanos(nanos);
        return Thread.interrupted();
    }

    private long rejectClosed() {
        if (disabled) {
            return DISABLED;
        }
        counters.droppedAtEdge(DropReason.SHUTDOWN);
        return CLOSED;
    }

    /**
     * @param sequence a sequence returned by {@link #tryClaim()} or {@link #claim()} and not yet
     *     published
     * @return the slot's record, clean, to fill before {@link #publish(long)}
     * @throws IllegalArgumentException if {@code sequence} is a failure code
     */
    public SpanRecord record(long sequence) {
        if (sequence < 0) {
            throw new IllegalArgumentException("not a claimed sequence: " + sequence + " (claim failed; check the result)");
        }
        return ring.get(sequence);
    }

    /**
     * Publishes a filled slot to the serializer. Call exactly once per claimed sequence, also when
     * filling failed. A slot that is not a valid span is not exported but counted as {@link
     * DropReason#INVALID_SPAN}: one whose fill failed (a {@link SpanRecord} setter threw: {@link
     * SpanRecord#fillFailed()}), or that lacks a required field (valid trace and span ids, positive
     * start and end times). Fixed up as the OpenTelemetry SDK does: an empty or blank name is sent as
     * {@code <unspecified span name>}, an end before the start as the start. Set {@code Span.flags}
     * with {@link SpanFlags#of(int, boolean)} to send whether the parent is remote, as the SDK does.
     *
     * @param sequence a claimed sequence
     * @throws IllegalArgumentException if {@code sequence} is a failure code
     * @throws IllegalStateException if it was never claimed or is already published (detected
     *     cheaply, on the ring's own bookkeeping)
     */
    public void publish(long sequence) {
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

    /**
     * Span API: claims a slot per the overload policy, copies the used bytes of {@code source} into
     * it (into an overflow buffer the slot points at if they do not fit; with none free, the slot
     * is marked too large and counted {@code SPAN_TOO_LARGE}) and publishes it.
     */
    void publishSpan(SpanRecord source) {
        long sequence = overloadPolicy == OverloadPolicy.BLOCK ? claimRaw() : tryClaimRaw();
        if (sequence < 0) {
            return; // counted by the claim
        }
        boolean handedOff = false;
        try {
            ring.get(sequence).copyFrom(source); // one copy of the used bytes, header included
            handedOff = true;
        } finally {
            if (!handedOff) { // cannot happen short of a bug: publish an empty slot, counted as INVALID_SPAN
                cleaned(sequence);
            }
            ring.publish(sequence); // always: an unpublished slot would stall the ring
        }
    }

    /** @return the overflow buffers taken now (tests: every one comes back once its span is read) */
    int overflowBuffersTaken() {
        return slots == null ? 0 : slots.overflow.taken();
    }

    // ================================================================================ span API

    /**
     * @param scope the instrumentation scope of the tracer's spans
     * @return a tracer (cheap; keep it)
     */
    public Tracer tracer(InstrumentationScope scope) {
        return new Tracer(this, Objects.requireNonNull(scope, "scope"));
    }

    /** @return the no-op span (shared by all threads) */
    Span noopSpan() {
        return noopSpan;
    }

    /** @return this thread's span pool, created at its first span */
    SpanPool pool() {
        return pools.get(); // per-thread pool: no contention
    }

    /** @return whether the leak detector's debug setting captures each span's start (allocates) */
    boolean leakStacks() {
        return leakStacks;
    }

    /**
     * Asks the sampler, containing what it throws: a sampler bug must never escape {@code start()}
     * into the application. Such a span is not sampled (counted; logged once per engine).
     */
    boolean sample(boolean hasParent, boolean parentRemote, boolean parentSampled, long traceIdHigh,
                           long traceIdLow) {
        try {
            return sampler.shouldSample(hasParent, parentRemote, parentSampled, traceIdHigh, traceIdLow);
        } catch (RuntimeException e) {
            counters.samplerError();
            if (!loggedSamplerError) { // racy by design: at worst a second line, never one per span
                loggedSamplerError = true;
                LOG.log(Level.WARNING, "ringtrace[" + name + "]: the sampler " + sampler.description() + " threw; such"
                        + " spans are not sampled (counted as samplerErrors; logged once)", e);
            }
            return false;
        }
    }

    /** A span API call ignored as misuse (see {@link Span}); any thread. */
    void spanCallIgnored() {
        counters.spanCallIgnored();
    }

    /** A second {@code end()} of a span (see {@link Span#end(long)}); any thread. */
    void repeatedEnd() {
        counters.repeatedEnd();
    }

    Span currentSpan() {
        if (closed) {
            return noopSpan;
        }
        Span current = pools.get().current();
        return current != null ? current : noopSpan;
    }

    // ============================================================================== lifecycle

    /**
     * Waits until every span published before this call has been handed to the exporter and the
     * exporter has completed it (or the deadline passes). Seals the partial batch at once rather
     * than waiting for the schedule delay. A ring slot claimed and not yet published is not waited
     * for, but the spans published after it are, and they cannot be exported before it is
     * published. An interrupt does not end the wait early; the thread's interrupt status is kept.
     *
     * @param timeout how long to wait at most
     * @return true if everything was completed in time (a closed or disabled engine: whether its
     *     close was clean; false while a close is still under way when the timeout passes)
     */
    public boolean flush(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (closed) {
            return awaitClose(deadline);
        }
        return flushUntil(deadline, false);
    }

    /** Waits for a close under way on another thread, but not past this caller's own deadline. */
    private boolean awaitClose(long deadline) {
        boolean interrupted = false;
        try {
            while (!closeDone) { // volatile read: closeClean was written before closeDone
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                interrupted |= pauseClearingInterrupt(WAIT_PAUSE_NANOS);
            }
            return closeClean;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * @param closing also wait for slots claimed before now (their producers are filling them),
     *     except once the serializer has waited for one of them longer than the held-slot bound
     */
    private boolean flushUntil(long deadline, boolean closing) {
        boolean interrupted = false;
        try {
            // a flush waits for what was published before it; a slot claimed and not yet published may
            // never be (a ring-API producer that failed before publish), so only close waits for claims
            long target = closing ? ring.getCursor() : highestPublishedSequence();
            while (processor.getSequence().get() < target) {
                if (closing && heldSlotOverdue()) {
                    closing = false;
                    target = highestPublishedSequence(); // give up on the held slot, ship what is behind it
                    continue;
                }
                if (!mayWait(deadline)) {
                    return false;
                }
                interrupted |= pauseClearingInterrupt(WAIT_PAUSE_NANOS);
            }
            long ticket = serializer.requestFlush();
            while (!serializer.flushServed(ticket)) { // the serializer seals on its next batch end or tick
                if (!mayWait(deadline)) {
                    return false;
                }
                interrupted |= pauseClearingInterrupt(WAIT_PAUSE_NANOS);
            }
            long sealNumber = serializer.servedSealNumber();
            while (!requests.completedUpTo(sealNumber)) {
                if (!mayWait(deadline)) {
                    return false;
                }
                interrupted |= pauseClearingInterrupt(WAIT_PAUSE_NANOS);
            }
            return true;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt(); // an interrupt does not cut a flush short; it is kept
            }
        }
    }

    /**
     * @return the highest sequence published so far, or the serializer's sequence if none above it
     *     is: the sequence a flush must see consumed
     */
    private long highestPublishedSequence() {
        long consumed = processor.getSequence().get();
        long cursor = ring.getCursor(); // after the serializer's sequence: within one ring of it
        long lowest = Math.max(consumed, cursor - ringSize);
        long found = consumed;
        for (long sequence = cursor; sequence > lowest; sequence--) {
            if (ring.isAvailable(sequence)) {
                found = sequence;
                break;
            }
        }
        // a slot published before the scan but reused by a later claim during it reads as not
        // available: it was consumed before it could be reused, so the serializer's sequence covers it
        return Math.max(found, processor.getSequence().get());
    }

    /** @return whether the serializer has been waiting longer than the bound for a claimed slot */
    private boolean heldSlotOverdue() {
        long since = counters.heldSlotSinceNanos();
        return since != 0 && System.nanoTime() - since >= TimedWaitStrategy.HELD_SLOT_BOUND_NANOS;
    }

    private boolean mayWait(long deadline) {
        return System.nanoTime() - deadline < 0 && !serializer.stopped();
    }

    /** Closes with {@link #DEFAULT_CLOSE_TIMEOUT}. See {@link #close(Duration)}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /**
     * Stops accepting spans (claims return {@link #CLOSED}, {@code start()} returns the no-op span),
     * drains what was published, exports it, shuts the exporter down (giving it the rest of the
     * deadline), stops the serializer thread and frees every off-heap buffer. Spans that could not be
     * exported by the deadline are counted as {@link DropReason#SHUTDOWN}. Ring slots claimed before
     * the call are waited for (their producers are filling them), but a slot the serializer has
     * waited for longer than a second is given up: what came before it is exported, it and the
     * slots after it are counted as {@code SHUTDOWN}. An interrupt does not cut the close short
     * (nor the exporter's shutdown within it); the caller's interrupt status is kept. Idempotent:
     * later calls return the first call's result; a call while another thread's close is under way
     * waits for it, but at most its own {@code timeout} (then returns false).
     *
     * @param timeout how long to wait at most for draining and exporting
     * @return true if everything published before the call was exported (or dropped for another
     *     reason); false if spans were dropped as {@code SHUTDOWN}
     */
    public boolean close(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean first;
        synchronized (lifecycleLock) {
            first = !closed;
            closed = true; // producers see it on their next claim; a claim already past the check still completes
        }
        if (!first) {
            return awaitClose(deadline); // closed before (or a disabled engine), or closing on another thread
        }
        // an interrupted caller still gets a whole close: its waits, the joins and the exporter's
        // shutdown (which waits for its in-flight requests, e.g. a gzip drain reading a buffer that is
        // freed right after) run without the flag, which is set again before returning
        boolean interrupted = Thread.interrupted();
        try {
            try {
                closeClean = shutdown(deadline);
            } finally {
                closeDone = true; // after closeClean (volatile): waiters that see it see the result
            }
            interrupted |= Thread.interrupted();
            operability.close(); // after the pipeline: the last drop-burst event and the MBean see final counts
            return closeClean;
        } finally {
            if (interrupted | Thread.interrupted()) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private boolean shutdown(long deadline) {
        boolean drained = flushUntil(deadline, true);
        if (!drained) {
            serializer.abandon(); // stop waiting for buffers: what is left counts as SHUTDOWN
        }
        processor.halt(); // alerts the barrier: the serializer finishes its batch, then onShutdown
        boolean stopped = join(serializerThread, deadline);
        if (!stopped) {
            serializer.abandon();
            stopped = join(serializerThread, System.nanoTime() + TimeUnit.SECONDS.toNanos(1));
            if (!stopped) {
                LOG.log(Level.ERROR, "ringtrace[" + name + "]: serializer thread did not stop (an exporter blocking in"
                        + " export()?); its buffer is not freed");
            }
        }
        boolean interrupted = Thread.interrupted(); // interrupted during the waits above: not in the exporter's
        try {
            exporter.shutdown(deadline);
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "ringtrace[" + name + "]: exporter shutdown failed", e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        long abandoned = requests.abandonAndRelease(stopped);
        if (abandoned > 0) {
            counters.droppedAtCompletion(DropReason.SHUTDOWN, abandoned);
        }
        return drained && abandoned == 0 && counters.serializerDrops(DropReason.SHUTDOWN) == 0 && ringBacklogLost() == 0;
    }

    /** Joins until the deadline (at least 100 ms); an interrupt does not cut it short and is kept. */
    private static boolean join(Thread thread, long deadline) {
        long atLeast = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        long until = deadline - atLeast > 0 ? deadline : atLeast;
        boolean interrupted = false;
        try {
            long remaining;
            while (thread.isAlive() && (remaining = until - System.nanoTime()) > 0) {
                try {
                    thread.join(TimeUnit.NANOSECONDS.toMillis(remaining) + 1);
                } catch (InterruptedException e) {
                    interrupted = true; // the flag is cleared by the exception: the next join waits
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        return !thread.isAlive();
    }

    // ================================================================================== stats

    /**
     * Fills {@code into} with a snapshot of the counters. Allocation-free.
     *
     * @param into the snapshot to fill
     * @return {@code into}
     */
    public EngineStats stats(EngineStats into) {
        if (disabled) {
            java.util.Arrays.fill(into.dropped, 0);
            into.published = into.exported = into.inFlight = into.ringBacklog = 0;
            into.openRequestSpans = into.requestSpansOutstanding = 0;
            into.requestsSent = into.requestsFailed = into.bytesSent = into.retries = into.rejectedCompletions = 0;
            into.slotsHeldTooLong = into.heldSlotMillis = 0;
            into.ringCapacity = into.requestBuffers = into.requestBuffersInUse = 0;
            into.offHeapBytesHeld = 0;
            into.ignoredSpanCalls = into.repeatedEnds = into.samplerErrors = 0;
            into.exportLatency.clear();
            into.closed = true;
            return into;
        }
        // Every counter is read once, and each span is, at every instant, in exactly one counter along
        // its way (edge drop; claimed and not yet taken by the serializer; open; handed off; exported;
        // dropped), so the snapshot adds up by construction. The read order keeps each part >= 0:
        // downstream first (a span moving meanwhile is then seen upstream, never lost or twice), and
        // the serializer's counters as one consistent set (a seal moves spans between two of them).
        long exported = counters.exported();
        long completionDrops = 0;
        for (DropReason reason : REASONS) {
            long d = counters.completionDrops(reason);
            completionDrops += d;
            into.dropped[reason.ordinal()] = d;
        }
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
        into.exported = exported;
        into.ringBacklog = backlog - lost;
        into.openRequestSpans = open;
        into.requestSpansOutstanding = handedOff - exported - completionDrops;
        into.inFlight = into.ringBacklog + open + into.requestSpansOutstanding;
        into.published = claimed + publishedAtEdge;
        into.requestsFailed = counters.requestsFailed();
        into.retries = counters.retries();
        into.rejectedCompletions = counters.rejectedCompletions();
        into.slotsHeldTooLong = counters.slotsHeldTooLong();
        long heldSince = counters.heldSlotSinceNanos();
        into.heldSlotMillis = heldSince == 0 ? 0 : Math.max(0, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - heldSince));
        into.ringCapacity = ringSize;
        into.requestBuffers = requests.size();
        into.requestBuffersInUse = requests.inUse();
        into.offHeapBytesHeld = requests.offHeapBytesHeld();
        into.ignoredSpanCalls = counters.ignoredSpanCalls();
        into.repeatedEnds = counters.repeatedEnds();
        into.samplerErrors = counters.samplerErrors();
        counters.exportLatency.copyInto(into.exportLatency);
        into.closed = closed;
        return into;
    }

    private static final DropReason[] REASONS = DropReason.values();
    /** stats(): consistent reads tried at once before yielding to a serializer inside a seal. */
    private static final int SNAPSHOT_SPINS = 64;
    /** stats(): how long to wait at most for a seal to end (a serializer thread descheduled inside it). */
    private static final long SNAPSHOT_PATIENCE_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * Spans lost for one reason so far (allocation-free; e.g. for a JFR or metrics hook).
     *
     * @param reason the reason
     * @return the count, as {@link EngineStats#dropped(DropReason)} would report it
     */
    public long dropped(DropReason reason) {
        if (disabled) {
            return 0;
        }
        long count = counters.edgeDrops(reason) + counters.serializerDrops(reason) + counters.completionDrops(reason);
        return reason == DropReason.SHUTDOWN ? count + ringBacklogLost() : count;
    }

    /** Slots published but never consumed because the serializer has stopped: SHUTDOWN drops. */
    private long ringBacklogLost() {
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

    /** @return off-heap bytes held by the request buffers now (0 once closed); allocation-free */
    public long offHeapBytesHeld() {
        return disabled ? 0 : requests.offHeapBytesHeld();
    }

    // ================================================================================ queries

    /** @return the engine's name */
    public String name() {
        return name;
    }

    /** @return whether this is a no-op engine ({@code OTEL_SDK_DISABLED=true} or {@code disabled(true)}) */
    public boolean isDisabled() {
        return disabled;
    }

    /** @return whether {@link #close} has begun (always true for a disabled engine) */
    public boolean isClosed() {
        return closed;
    }

    /** @return the sampler (ring-API users decide sampling themselves with it) */
    public Sampler sampler() {
        return sampler;
    }

    /** @return the span limits that size every record */
    public SpanLimits spanLimits() {
        return limits;
    }

    /** @return the resource of every exported span */
    public Resource resource() {
        return resource;
    }

    /** @return the number of ring slots (0 when disabled) */
    public int ringSize() {
        return ringSize;
    }

    /** @return the current time in epoch nanoseconds by the engine's (allocation-free) clock */
    public long nowEpochNanos() {
        return clock.nowEpochNanos();
    }

    @Override
    public String toString() {
        return description;
    }

    /**
     * Logs and continues: one bad record must never stop the serializer. Not static on purpose: the
     * serializer thread reaches the engine through it, so an engine stays reachable while it runs.
     */
    private final class LoggingExceptionHandler implements ExceptionHandler<SpanRecord> {
        @Override
        public void handleEventException(Throwable ex, long sequence, SpanRecord event) {
            LOG.log(Level.ERROR, "ringtrace[" + name + "]: serializer failed at sequence " + sequence, ex);
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            LOG.log(Level.ERROR, "ringtrace[" + name + "]: serializer start failed", ex);
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            LOG.log(Level.ERROR, "ringtrace[" + name + "]: serializer shutdown failed", ex);
        }
    }
}
