package io.ringtrace.engine;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.SpanFlags;
import io.ringtrace.codec.SpanLimits;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.SpanExporter;
import io.ringtrace.engine.internal.leak.OpenSpanDetector;
import io.ringtrace.engine.internal.leak.SpanPoolLeakView;
import io.ringtrace.engine.ops.OperabilityOptions;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;

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
 *   once per span and give the span up on failure. A published slot that is not a valid span is
 *   not exported but counted as {@link DropReason#INVALID_SPAN}: one whose fill failed (a {@link
 *   SpanRecord} setter threw: {@link SpanRecord#fillFailed()}), or that lacks valid trace and span
 *   ids or positive start and end times. Fixed up as the OpenTelemetry SDK does: an empty or blank
 *   name is sent as {@code <unspecified span name>}, an end before the start as the start. Set
 *   {@code Span.flags} with {@link SpanFlags#of(int, boolean)} to send whether the parent is
 *   remote, as the SDK does.
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
 *   (SpanSlot.maxSpanBytes(spanLimits) + 24)} (8,344 + 24 bytes each with the default limits):
 *   9,842,000 bytes for the defaults (16,384 slots of 512 bytes, 64 overflow buffers), 1,117,520
 *   for 1,024 slots, 37,760,336 for 65,536; {@code build()} rejects more than 2 GiB of slots or a
 *   ring that would take more than three quarters of the maximum heap;
 *   <li>off-heap: {@code requestBuffers x TraceRequestEncoder.requiredCapacity(maxRequestBytes)}
 *   (2.125 x maxRequestBytes + 64 each: 8,913,152 bytes for 4 x 1 MiB, the default with an exporter
 *   that keeps one request in flight; 11,141,440 for the 5 an OTLP exporter's 4 in flight get),
 *   allocated (and, by Chronicle, zeroed, so resident at once) at build and freed at close ({@link
 *   #offHeapBytesHeld()});
 *   <li>in all, with the defaults and 4 request buffers: ~14.1 MB (1,024 slots: ~10.0 MB; 65,536
 *   slots: ~46.7 MB); a fifth buffer adds ~2.2 MB;
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
 * inFlight + spooled}, with every dropped span under one {@link DropReason} ({@code spooled}: in the
 * exporter's on-disk spool, 0 without one).
 *
 * <h2>Threads</h2>
 * One daemon thread, {@code ringtrace-serializer-<name>}, from build to close; the exporter may
 * have its own. All public methods are thread-safe.
 */
public final class TraceEngine extends PipelineEngine<SpanRecord> {

    /** Timeout of {@link #close()}. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private static final System.Logger LOG = System.getLogger(TraceEngine.class.getName());

    final SpanLimits limits;
    private final Sampler sampler;
    private final ThreadLocal<SpanPool> pools;
    private final Span noopSpan;
    /** The open-span leak detector, or null (off): span pools register with it. */
    final OpenSpanDetector leakDetector;
    /** Leak detector debug setting: capture each span's start stack (allocates per span). */
    private final boolean leakStacks;
    /** Whether a sampler exception was logged; a plain flag: see {@link #sample}. */
    private boolean loggedSamplerError;

    TraceEngine(TraceEngineBuilder b) {
        super(b.name, b.disabled, b.pipeline, new RecordFormat.Spans(b.spanLimits), b.resource, b.exporter,
                "ringtrace-serializer-" + b.name, describe(b));
        this.limits = b.spanLimits;
        this.sampler = b.sampler;
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
        if (b.disabled) {
            this.leakDetector = null;
            this.leakStacks = false;
        } else {
            this.operability = EngineOperability.startDetector(name, b.operability); // before any span starts
            this.leakDetector = operability.leakDetector();
            this.leakStacks = leakDetector != null && leakDetector.captureStacks();
            pipeline.lifecycle.closeLast(operability);
        }
        pipeline.start();
    }

    private OpenSpanDetector leakDetector() {
        return leakDetector;
    }

    /** @return a builder with the defaults */
    public static TraceEngineBuilder builder() {
        return new TraceEngineBuilder();
    }

    /** Span API: hands an ended span's record to the ring (see {@link SlotRing#publishCopy}). */
    void publishSpan(SpanRecord source) {
        ring.publishCopy(source);
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
        if (ring.isClosed()) {
            return noopSpan;
        }
        return currentSpan(pools.get());
    }

    /**
     * {@link #currentSpan()} for a caller on the pool's owner thread that keeps that pool (the
     * logger API's per-thread builder): no thread-local lookup.
     */
    Span currentSpan(SpanPool pool) {
        if (ring.isClosed()) {
            return noopSpan;
        }
        Span current = pool.current();
        return current != null ? current : noopSpan;
    }

    /** Closes with {@link #DEFAULT_CLOSE_TIMEOUT}. See {@link #close(Duration)}. */
    @Override
    public void close() {
        close(DEFAULT_CLOSE_TIMEOUT);
    }

    /** @return the sampler (ring-API users decide sampling themselves with it) */
    public Sampler sampler() {
        return sampler;
    }

    /** @return the span limits that size every record */
    public SpanLimits spanLimits() {
        return limits;
    }

    /** @return the engine's settings; before anything is allocated (a sampler's description may throw) */
    private static String describe(TraceEngineBuilder b) {
        return "TraceEngine{name=" + b.name + ", " + b.pipeline.describe() + ", sampler=" + b.sampler.description()
                + ", spansPerThread=" + b.spansPerThread + (b.disabled ? ", DISABLED" : "") + "}";
    }
}
