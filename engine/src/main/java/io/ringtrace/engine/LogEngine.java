package io.ringtrace.engine;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.codec.LogSlot;
import io.ringtrace.codec.Resource;
import io.ringtrace.engine.export.DropReason;
import io.ringtrace.engine.export.SpanExporter;
import java.time.Duration;
import java.util.Objects;

/**
 * The log pipeline: a pre-allocated multi-producer ring of compact log record slots (one heap array,
 * the {@link LogSlot} format, written in place through {@link LogRecordWriter} flyweights), one
 * serializer thread that encodes each published slot as OTLP into a fixed pool of off-heap request
 * buffers ({@code ExportLogsServiceRequest}, grouped by resource and scope), and the {@link
 * SpanExporter} that ships them (gRPC {@code LogsService/Export}, OTLP/HTTP {@code /v1/logs}). The
 * same machinery as {@link TraceEngine}'s, with the same contracts: build with {@link #builder()}.
 *
 * <h2>Producing log records</h2>
 * <ul>
 *   <li>Ring API, the lowest level (an appender, a hot path with its own clock):
 *   <pre>{@code
 *   long seq = logs.tryClaim();             // or claim(): waits for a slot
 *   if (seq >= 0) {
 *       try {
 *           logs.record(seq).scope(scope).timestamp(t).severityNumber(9).severityText(INFO)
 *               .body(message).attribute(KEY, value).traceId(hi, lo).spanId(id).traceFlags(1);
 *       } finally {
 *           logs.publish(seq);              // always, exactly once, promptly
 *       }
 *   }}</pre>
 *   The record is clean (reset by the claim). A negative result is a failure code ({@link
 *   #RING_FULL}, {@link #CLOSED}, {@link #DISABLED}), never an exception; a failed {@code
 *   tryClaim()} counts one record dropped ({@code RING_FULL} or {@code SHUTDOWN}). An unpublished
 *   slot holds back every slot after it, so claim when the record is ready to be written.
 *   <li>Logger API: {@link #logger(InstrumentationScope)}, then {@code
 *   logger.atInfo().body(message).attribute(KEY, value).emit()}: a per-thread flyweight that claims
 *   the slot at {@code atInfo()}, writes in place and publishes at {@link LogRecordBuilder#emit()},
 *   with the timestamp and the current span's ids filled in.
 * </ul>
 * Both paths allocate nothing per record in steady state.
 *
 * <h2>Trace correlation</h2>
 * Built with {@link LogEngineBuilder#traceEngine(TraceEngine)}, the logger API fills in the trace
 * id, span id and trace flags of that engine's current span on the emitting thread (the span
 * API's innermost open span), unless the record is given a context explicitly ({@link
 * LogRecordBuilder#context(TraceContext)}, {@link LogRecordBuilder#span(Span)}). The ring API sets
 * them itself.
 *
 * <h2>Memory bound</h2>
 * Fixed at build time, nothing grows with load: heap {@code ringSize x (slotBytes + 56)} plus
 * {@code overflowBuffers x (LogSlot.maxRecordBytes(logLimits) + 24)} (6,760 + 24 bytes each with the
 * default limits); off-heap {@code requestBuffers x LogsRequestEncoder.requiredCapacity(maxRequestBytes)}
 * (2.125 x maxRequestBytes + 64 each); per thread that uses the logger API one builder over a
 * claimed slot (no record array of its own).
 *
 * <h2>Lifecycle and accounting</h2>
 * {@link #flush(Duration)}, {@link #close(Duration)} and {@link #stats(EngineStats)} behave as
 * {@link TraceEngine}'s, counting log records where it counts spans: at any quiescent point {@code
 * published = exported + dropped + inFlight}; a record the receiver rejects in a partial success
 * ({@code rejected_log_records}) is counted {@link DropReason#REJECTED}; one that outgrew its slot
 * with no overflow buffer free, or whose body passed its budget, {@link DropReason#SPAN_TOO_LARGE};
 * one whose fill failed {@link DropReason#INVALID_SPAN}.
 *
 * <h2>Threads</h2>
 * One daemon thread, {@code ringtrace-logs-serializer-<name>}, from build to close; the exporter may
 * have its own. All public methods are thread-safe.
 */
public final class LogEngine implements AutoCloseable {

    /** {@link #tryClaim()} failure: the ring is full (counted as {@link DropReason#RING_FULL}). */
    public static final long RING_FULL = SlotRing.RING_FULL;
    /** Claim failure: the engine is closed (counted as {@link DropReason#SHUTDOWN}). */
    public static final long CLOSED = SlotRing.CLOSED;
    /** Claim failure: the engine is disabled (a no-op engine; nothing is counted). */
    public static final long DISABLED = SlotRing.DISABLED;

    final String name;
    private final boolean disabled;
    private final LogLimits limits;
    private final Resource resource;
    private final OverloadPolicy overloadPolicy;
    private final Duration exportTimeout;
    /** The generic machinery: ring, serializer, request pool, counters, flush and close. */
    private final Pipeline<LogRecordWriter> pipeline;
    /** The producers' side of the ring: claim, record, publish. */
    private final SlotRing<LogRecordWriter> logRing;
    /** The engine whose current span the logger API correlates with, or null. */
    private final TraceEngine traceEngine;
    final EpochClock clock = new EpochClock();
    /** Each thread's logger API flyweight, created at its first record. */
    private final ThreadLocal<LogRecordBuilder> builders;
    private final String description;

    LogEngine(LogEngineBuilder b) {
        this.name = b.name;
        this.disabled = b.disabled;
        this.limits = b.logLimits;
        this.resource = b.resource;
        this.exportTimeout = b.exportTimeout;
        this.traceEngine = b.traceEngine;
        PipelineSettings settings = b.pipeline;
        this.overloadPolicy = settings.overloadPolicy;
        this.description = "LogEngine{name=" + name + ", " + settings.describe() + ", logLimits=" + limits
                + (disabled ? ", DISABLED" : "") + "}";
        this.pipeline = disabled ? Pipeline.disabled(name)
                : new Pipeline<>(name, "ringtrace-logs-serializer-" + name, settings, new RecordFormat.Logs(limits),
                        resource, b.exporter, this);
        this.logRing = pipeline.slotRing;
        this.builders = ThreadLocal.withInitial(() -> new LogRecordBuilder(this));
        pipeline.start();
    }

    /** @return a builder with the defaults */
    public static LogEngineBuilder builder() {
        return new LogEngineBuilder();
    }

    // ================================================================================ ring API

    /**
     * Claims a ring slot without waiting. Allocation-free and exception-free.
     *
     * @return the slot's sequence (&gt;= 0), or {@link #RING_FULL} (counted as a {@code RING_FULL}
     *     drop), {@link #CLOSED} (counted as a {@code SHUTDOWN} drop) or {@link #DISABLED}
     */
    public long tryClaim() {
        return logRing.tryClaim();
    }

    /**
     * Claims a ring slot, waiting (spin, yield, then park) while the ring is full. Allocation-free.
     * The wait ends when a slot frees up or the engine closes, not on an interrupt (the interrupt
     * status is kept).
     *
     * @return the slot's sequence (&gt;= 0), or {@link #CLOSED} (counted as a {@code SHUTDOWN} drop)
     *     or {@link #DISABLED}
     */
    public long claim() {
        return logRing.claim();
    }

    /**
     * @param sequence a sequence returned by {@link #tryClaim()} or {@link #claim()} and not yet
     *     published
     * @return the slot's record, clean, to fill before {@link #publish(long)}
     * @throws IllegalArgumentException if {@code sequence} is a failure code
     */
    public LogRecordWriter record(long sequence) {
        return logRing.record(sequence);
    }

    /**
     * Publishes a filled slot to the serializer. Call exactly once per claimed sequence, also when
     * filling failed: a record whose fill failed (a {@link LogRecordWriter} setter threw) is not
     * exported but counted as {@link DropReason#INVALID_SPAN}; one marked too large as {@link
     * DropReason#SPAN_TOO_LARGE}.
     *
     * @param sequence a claimed sequence
     * @throws IllegalArgumentException if {@code sequence} is a failure code
     * @throws IllegalStateException if it was never claimed or is already published
     */
    public void publish(long sequence) {
        logRing.publish(sequence);
    }

    /** @return the claim the overload policy asks for: {@link #claim()} under BLOCK, else {@link #tryClaim()} */
    long claimPerPolicy() {
        return overloadPolicy == OverloadPolicy.BLOCK ? logRing.claim() : logRing.tryClaim();
    }

    /** Marks a claimed slot's record as failed (it is then dropped as INVALID_SPAN when published). */
    void abandon(long sequence) {
        LogSlot.clear(pipeline.slots.area, pipeline.slots.base(sequence));
    }

    // ================================================================================ logger API

    /**
     * @param scope the instrumentation scope of the logger's records (e.g. the logger's or the
     *     library's name); not null
     * @return a logger (cheap; keep it)
     */
    public Logger logger(InstrumentationScope scope) {
        return new Logger(this, Objects.requireNonNull(scope, "scope"));
    }

    /** @return this thread's logger API flyweight */
    LogRecordBuilder recordBuilder() {
        return builders.get();
    }

    /** @return the engine whose current span the logger API correlates with, or null */
    TraceEngine traceEngine() {
        return traceEngine;
    }

    /** A logger API call ignored as misuse; any thread. */
    void callIgnored() {
        pipeline.counters.spanCallIgnored();
    }

    // ============================================================================== lifecycle

    /**
     * Waits until every record published before this call has been exported and acknowledged (or
     * the deadline passes); seals the partial batch at once. An interrupt does not end the wait
     * early; the interrupt status is kept.
     *
     * @param timeout how long to wait at most
     * @return true if everything was completed in time
     */
    public boolean flush(Duration timeout) {
        return pipeline.flush(timeout);
    }

    /** Closes with the export timeout ({@code OTEL_BLRP_EXPORT_TIMEOUT}, 30 s by default). */
    @Override
    public void close() {
        close(exportTimeout);
    }

    /**
     * Stops accepting records (claims return {@link #CLOSED}, the logger API ignores them), drains
     * what was published, exports it, shuts the exporter down, stops the serializer thread and frees
     * every off-heap buffer; what could not be exported by the deadline is counted as {@link
     * DropReason#SHUTDOWN}. Idempotent, as {@link TraceEngine#close(Duration)}.
     *
     * @param timeout how long to wait at most
     * @return true if everything published before the call was exported (or dropped for another
     *     reason)
     */
    public boolean close(Duration timeout) {
        return pipeline.close(timeout);
    }

    // ================================================================================== stats

    /**
     * Fills {@code into} with a snapshot of the counters, log records where it says spans.
     * Allocation-free.
     *
     * @param into the snapshot to fill
     * @return {@code into}
     */
    public EngineStats stats(EngineStats into) {
        return pipeline.stats(into);
    }

    /**
     * @param reason the reason
     * @return log records lost for it so far (allocation-free)
     */
    public long dropped(DropReason reason) {
        return pipeline.dropped(reason);
    }

    /** @return off-heap bytes held by the request buffers now (0 once closed); allocation-free */
    public long offHeapBytesHeld() {
        return pipeline.offHeapBytesHeld();
    }

    // ================================================================================ queries

    /** @return the engine's name */
    public String name() {
        return name;
    }

    /** @return whether this is a no-op engine ({@code OTEL_SDK_DISABLED=true}, {@code OTEL_LOGS_EXPORTER=none}) */
    public boolean isDisabled() {
        return disabled;
    }

    /** @return whether {@link #close} has begun (always true for a disabled engine) */
    public boolean isClosed() {
        return pipeline.isClosed();
    }

    /** @return what a full ring does to the logger API (ring-API users follow it themselves) */
    public OverloadPolicy overloadPolicy() {
        return overloadPolicy;
    }

    /** @return the limits that size every record */
    public LogLimits logLimits() {
        return limits;
    }

    /** @return the resource of every exported record */
    public Resource resource() {
        return resource;
    }

    /** @return the number of ring slots (0 when disabled) */
    public int ringSize() {
        return pipeline.ringSize;
    }

    /** @return the current time in epoch nanoseconds by the engine's (allocation-free) clock */
    public long nowEpochNanos() {
        return clock.nowEpochNanos();
    }

    /** @return the overflow buffers taken now (tests) */
    int overflowBuffersTaken() {
        return pipeline.overflowBuffersTaken();
    }

    @Override
    public String toString() {
        return description;
    }
}
