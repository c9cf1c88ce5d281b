package io.ringtrace.engine;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.codec.LogSlot;
import io.ringtrace.codec.SlotArea;
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
 * API's innermost open span); built with {@link LogEngineBuilder#correlation(TraceCorrelation)},
 * those of the span that source finds current (the interop module's reads OpenTelemetry's
 * {@code Span.current()}), when the span engine has none; unless the record is given a context explicitly ({@link
 * LogRecordBuilder#context(TraceContext)}, {@link LogRecordBuilder#span(Span)}). The ring API sets
 * them itself.
 *
 * <h2>Memory bound</h2>
 * Fixed at build time, nothing grows with load: heap {@code ringSize x (slotBytes + 56)} plus
 * {@code overflowBuffers x (LogSlot.maxRecordBytes(logLimits) + 24)} (6,760 + 24 bytes each with the
 * default limits); off-heap {@code requestBuffers x LogsRequestEncoder.requiredCapacity(maxRequestBytes)}
 * (2.125 x maxRequestBytes + 64 each); per {@link Logger} about 1 KB (a prepared start of each
 * level's records); per thread that uses the logger API one ~56-byte builder
 * over a claimed slot (no record array of its own), which holds the engine weakly: a closed engine
 * is garbage-collected while pooled threads that logged live on.
 *
 * <h2>Lifecycle and accounting</h2>
 * {@link #flush(Duration)}, {@link #close(Duration)} and {@link #stats(EngineStats)} are those of
 * every {@link PipelineEngine}, counting log records where {@link TraceEngine} counts spans: at any quiescent point {@code
 * published = exported + dropped + inFlight}; a record the receiver rejects in a partial success
 * ({@code rejected_log_records}) is counted {@link DropReason#REJECTED}; one that outgrew its slot
 * with no overflow buffer free, or whose body passed its budget, {@link DropReason#SPAN_TOO_LARGE};
 * one whose fill failed {@link DropReason#INVALID_SPAN}.
 *
 * <h2>Threads</h2>
 * One daemon thread, {@code ringtrace-logs-serializer-<name>}, from build to close; the exporter may
 * have its own. All public methods are thread-safe.
 */
public final class LogEngine extends PipelineEngine<LogRecordWriter> {

    private final LogLimits limits;
    private final Duration exportTimeout;
    /** The span engine whose current span correlates each record, asked first (a direct call), or null. */
    private final TraceEngine traceEngine;
    /** The source asked when the span engine finds no current span (or there is none), or null. */
    private final TraceCorrelation correlation;
    /** Whether records are correlated at all (a span engine or a source is set): else begin() skips the call. */
    final boolean correlates;
    /** Each thread's logger API flyweight, created at its first record. */
    private final ThreadLocal<LogRecordBuilder> builders;
    /**
     * The ring's slot array as the builders' tails reach it, released when the engine closes: a
     * builder lives as long as its thread, and must not keep a closed engine's slots alive.
     */
    final SlotArea slotArea;

    LogEngine(LogEngineBuilder b) {
        super(b.name, b.disabled, b.pipeline, new RecordFormat.Logs(b.logLimits), b.resource, b.exporter,
                "ringtrace-logs-serializer-" + b.name, "LogEngine{name=" + b.name + ", " + b.pipeline.describe()
                        + ", logLimits=" + b.logLimits + (b.disabled ? ", DISABLED" : "") + "}");
        this.limits = b.logLimits;
        this.exportTimeout = b.exportTimeout;
        this.traceEngine = b.traceEngine;
        this.correlation = b.correlation;
        this.correlates = traceEngine != null || correlation != null;
        this.builders = ThreadLocal.withInitial(() -> new LogRecordBuilder(this));
        this.slotArea = new SlotArea(b.disabled ? null : pipeline.slots.area);
        if (!b.disabled) {
            this.operability = EngineOperability.startDetector(name, b.operability);
            pipeline.lifecycle.closeLast(operability);
            pipeline.lifecycle.releaseLast(slotArea::release);
        }
        pipeline.start();
    }

    /** @return a builder with the defaults */
    public static LogEngineBuilder builder() {
        return new LogEngineBuilder();
    }

    /** Marks a claimed slot's record as failed (it is then dropped as INVALID_SPAN when published). */
    void abandon(long sequence) {
        ring.record(sequence).reset(); // back in its slot: an overflow buffer it had taken is given back
        LogSlot.clear(pipeline.slots.area, pipeline.slots.base(sequence));
    }

    // ================================================================================ logger API

    /**
     * @param scope the instrumentation scope of the logger's records (e.g. the logger's or the
     *     library's name); not null
     * @return a logger (about 1 KB: its levels' prepared record starts; keep it)
     */
    public Logger logger(InstrumentationScope scope) {
        return new Logger(this, Objects.requireNonNull(scope, "scope"));
    }

    /** @return this thread's logger API flyweight */
    LogRecordBuilder recordBuilder() {
        return builders.get();
    }

    /**
     * Writes the trace id, span id and trace flags of the current span on this thread into {@code
     * record}, for the ring API (an appender): what the logger API does by itself. The span comes
     * from the engine given to {@link LogEngineBuilder#traceEngine}, else from the source given to
     * {@link LogEngineBuilder#correlation}. Nothing is written when neither is set or neither finds
     * a current span; a source that throws is counted as an ignored call and the record stays
     * uncorrelated. Allocation-free as far as the source is.
     *
     * @param record a claimed slot's record ({@link #record(long)}); not null
     * @return {@code record}
     */
    public LogRecordWriter correlate(LogRecordWriter record) {
        correlateBySpanThenSource(Objects.requireNonNull(record, "record"));
        return record;
    }

    /**
     * {@link #correlate}'s work: the span engine's current span by a direct call (no source object in
     * between), then the given source.
     */
    private void correlateBySpanThenSource(LogRecordWriter record) {
        if (traceEngine != null && writeIds(record, traceEngine.currentSpan().context())) {
            return; // the no-op span when none is open: its context is not valid
        }
        correlateBySource(record);
    }

    /**
     * The logger API's correlation, on the thread of {@code spans} (its builder's own): as {@link
     * #correlate}, with the span engine's pool of this thread kept by the builder.
     *
     * @param spans this thread's span pool of {@link #traceEngine()}, when there is one
     */
    void correlate(LogRecordWriter record, SpanPool spans) {
        if (spans != null && writeIds(record, traceEngine.currentSpan(spans).context())) {
            return; // the no-op span when none is open: its context is not valid
        }
        correlateBySource(record);
    }

    /** @return the span engine whose current span correlates each record, or null */
    TraceEngine traceEngine() {
        return traceEngine;
    }

    /** Asks the given correlation source, if any, containing what it throws. */
    private void correlateBySource(LogRecordWriter record) {
        if (correlation != null) {
            try {
                correlation.correlate(record);
            } catch (RuntimeException e) {
                counters.spanCallIgnored(); // never into the producer: the record goes out uncorrelated
            }
        }
    }

    /**
     * Writes a valid context's trace id, span id and trace flags into {@code record}.
     *
     * @return false (nothing written) if the context is not valid
     */
    static boolean writeIds(LogRecordWriter record, TraceContext context) {
        if (!context.isValid()) {
            return false;
        }
        record.traceId(context.traceIdHigh(), context.traceIdLow()).spanId(context.spanId())
                .traceFlags(context.traceFlags() & 0xFF);
        return true;
    }

    /** A logger API call ignored as misuse; any thread. */
    void callIgnored() {
        counters.spanCallIgnored();
    }

    // ============================================================================== lifecycle

    /** Closes with the export timeout ({@code OTEL_BLRP_EXPORT_TIMEOUT}, 30 s by default): see {@link #close(Duration)}. */
    @Override
    public void close() {
        close(exportTimeout);
    }

    /** @return the limits that size every record */
    public LogLimits logLimits() {
        return limits;
    }
}
