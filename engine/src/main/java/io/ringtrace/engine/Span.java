package io.ringtrace.engine;

import io.ringtrace.codec.SpanFlags;
import io.ringtrace.codec.SpanRecord;
import io.ringtrace.codec.StatusCode;
import io.ringtrace.codec.Utf8Constant;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An open span of the span API: a pooled, reusable flyweight handed out by {@link Tracer#start}.
 * Collect attributes, events, links and a status while it is open (in the ring's compact slot
 * format, in this span's own array), then call {@link #end()}, which claims a ring slot, copies the
 * used bytes into it in one copy (into an overflow buffer if bigger than a slot), publishes it and
 * returns this object to its thread's pool.
 *
 * <p><b>A {@code Span} reference is valid until {@code end()} returns.</b> The object is then reused
 * for a later span of the same thread; using a stale reference is undefined (it may affect the new
 * span). Calls after {@code end()} on an object that has not been reused are ignored, and a second
 * {@code end()} on it is a no-op, counted in {@link EngineStats#repeatedEnds()}.
 *
 * <p>Misuse never throws, and is treated the same whether the span is sampled or not: as in the
 * OpenTelemetry API, a hot path is not a place for exceptions. A null key, value, name or link, an
 * {@code eventAttribute} before any {@code addEvent}, a status code that is not a {@link StatusCode}
 * constant: each such call is ignored and counted in {@link EngineStats#ignoredSpanCalls()} (for
 * the no-op span, which belongs to no running engine, only ignored). The exception is {@link
 * #record()}, the raw record, which throws as {@link SpanRecord} documents.
 *
 * <p>Threads: a span is filled by one thread at a time. It may be handed to another thread (with
 * the usual happens-before, e.g. an executor) and ended there.
 *
 * <p>Unsampled spans (and the no-op span returned when the engine is disabled, closed, or the
 * thread's pool is exhausted) record nothing: every recording method returns after its argument
 * checks, and {@code end()} only returns the flyweight. Their {@linkplain #context() context} still propagates
 * (the no-op span's is invalid).
 *
 * <p>On the wire ({@code Span.flags}): the W3C trace flags plus the OTLP is-remote bits, as the
 * OpenTelemetry SDK sends them: {@code 0x101} for a sampled root span or a child of a local parent,
 * {@code 0x301} for a child of a parent taken from {@code traceparent}. An empty or blank name is
 * sent as {@code <unspecified span name>}.
 *
 * <p>Memory: each pooled span holds one {@link SpanRecord} sized by the engine's span limits plus a
 * {@link TraceContext}; a thread holds at most {@code spansPerThread} of them, created on first use.
 */
public final class Span {

    static final int FREE = 0;
    static final int OPEN = 1;
    static final int ENDING = 2;
    /** The no-op span is never free or open. */
    static final int NOOP = 3;

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Span.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final SpanPool pool;
    /** This flyweight's fixed index in its pool (for observers such as a leak detector); -1 for no-op. */
    final int slot;
    final SpanRecord record;
    final TraceContext context = new TraceContext();
    @SuppressWarnings("unused") // accessed through STATE
    private volatile int state;

    /** Whether attributes etc. are recorded: open and sampled. Written and read by the filling thread. */
    boolean recording;
    /** Whether an event was added since the start, sampled or not (so misuse is seen either way); filling thread. */
    boolean eventAdded;
    boolean sampled;
    long parentSpanId;
    long startEpochNanos;
    /** The name if it was given as a constant (for observers); null for run-time names. */
    Object nameConstant;
    /** Where the span started, only when the leak detector's debug setting captures it; else null. */
    Throwable startStack;

    // nesting on the owner thread: written and read only by the owner thread
    Span parent;
    int parentGeneration;
    int generation;

    Span(SpanPool pool, int slot, SpanRecord record, int initialState) {
        this.pool = pool;
        this.slot = slot;
        this.record = record;
        this.state = initialState;
    }

    // --------------------------------------------------------------------- owner thread (pool)

    /**
     * @param startEpochNanos the new span's start time
     * @param name the new span's name constant, or null
     * @return whether this free span was taken for a new span (owner thread only)
     */
    boolean tryAcquire(long startEpochNanos, Object name) {
        // only the owner thread moves FREE -> OPEN; an ending thread moves ENDING -> FREE with a
        // release store after its last access, so the acquire read below orders our reuse after it
        if ((int) STATE.getAcquire(this) != FREE) {
            return false;
        }
        this.startEpochNanos = startEpochNanos; // before the OPEN store: an observer that sees OPEN sees these
        if (nameConstant != name) {
            nameConstant = name; // only when it changes: a reference store here costs a G1 card mark
        }
        STATE.setRelease(this, OPEN);
        generation++;
        return true;
    }

    boolean isOpen() {
        return (int) STATE.getAcquire(this) == OPEN;
    }

    // --------------------------------------------------------------------------- recording

    /**
     * @param key attribute key
     * @param value string value, encoded now (a reused {@code StringBuilder} is fine)
     * @return this
     */
    public Span attribute(Utf8Constant key, CharSequence value) {
        if (key == null || value == null) {
            return ignored();
        }
        if (recording) {
            record.attribute(key, value);
        }
        return this;
    }

    /**
     * @param key attribute key
     * @param value value
     * @return this
     */
    public Span attribute(Utf8Constant key, long value) {
        if (key == null) {
            return ignored();
        }
        if (recording) {
            record.attribute(key, value);
        }
        return this;
    }

    /**
     * @param key attribute key
     * @param value value
     * @return this
     */
    public Span attribute(Utf8Constant key, double value) {
        if (key == null) {
            return ignored();
        }
        if (recording) {
            record.attribute(key, value);
        }
        return this;
    }

    /**
     * @param key attribute key
     * @param value value
     * @return this
     */
    public Span attribute(Utf8Constant key, boolean value) {
        if (key == null) {
            return ignored();
        }
        if (recording) {
            record.attribute(key, value);
        }
        return this;
    }

    /**
     * Adds an event timestamped now; {@code eventAttribute} calls then go to it.
     *
     * @param name event name
     * @return this
     */
    public Span addEvent(Utf8Constant name) {
        if (name == null) {
            return ignored();
        }
        if (!eventAdded) {
            eventAdded = true; // only when it changes: the no-op span is shared by every thread
        }
        if (recording) {
            record.addEvent(name, pool.clock.nowEpochNanos());
        }
        return this;
    }

    /**
     * @param name event name
     * @param epochNanos event time, nanoseconds since the Unix epoch
     * @return this
     */
    public Span addEvent(Utf8Constant name, long epochNanos) {
        if (name == null) {
            return ignored();
        }
        if (!eventAdded) {
            eventAdded = true; // only when it changes: the no-op span is shared by every thread
        }
        if (recording) {
            record.addEvent(name, epochNanos);
        }
        return this;
    }

    /**
     * Adds an attribute to the latest event (ignored before the first {@code addEvent}).
     *
     * @param key attribute key
     * @param value value
     * @return this
     */
    public Span eventAttribute(Utf8Constant key, CharSequence value) {
        if (key == null || value == null || !eventAdded) {
            return ignored();
        }
        if (recording) {
            record.eventAttributes().attribute(key, value);
        }
        return this;
    }

    /**
     * Adds an attribute to the latest event (ignored before the first {@code addEvent}).
     *
     * @param key attribute key
     * @param value value
     * @return this
     */
    public Span eventAttribute(Utf8Constant key, long value) {
        if (key == null || !eventAdded) {
            return ignored();
        }
        if (recording) {
            record.eventAttributes().attribute(key, value);
        }
        return this;
    }

    /**
     * Adds an attribute to the latest event (ignored before the first {@code addEvent}).
     *
     * @param key attribute key
     * @param value value
     * @return this
     */
    public Span eventAttribute(Utf8Constant key, double value) {
        if (key == null || !eventAdded) {
            return ignored();
        }
        if (recording) {
            record.eventAttributes().attribute(key, value);
        }
        return this;
    }

    /**
     * Adds an attribute to the latest event (ignored before the first {@code addEvent}).
     *
     * @param key attribute key
     * @param value value
     * @return this
     */
    public Span eventAttribute(Utf8Constant key, boolean value) {
        if (key == null || !eventAdded) {
            return ignored();
        }
        if (recording) {
            record.eventAttributes().attribute(key, value);
        }
        return this;
    }

    /**
     * Adds a link to another span's context (ignored if that context is invalid). Its {@code
     * Link.flags} say whether the linked context is remote, as the OpenTelemetry SDK sends them
     * ({@link SpanFlags#of(int, boolean)}).
     *
     * @param linked the linked context
     * @return this
     */
    public Span addLink(TraceContext linked) {
        if (linked == null) {
            return ignored();
        }
        if (recording && linked.isValid()) {
            record.addLink(linked.traceIdHigh, linked.traceIdLow, linked.spanId,
                    SpanFlags.of(linked.traceFlags, linked.remote), linked.traceState());
        }
        return this;
    }

    /**
     * Sets the status with the OpenTelemetry API's rules: the description is kept only for {@code
     * ERROR} (ignored for {@code OK} and {@code UNSET}), setting {@code UNSET} is ignored, and
     * {@code OK} is final (later calls are ignored). A code that is not a {@link StatusCode} constant
     * is ignored (counted, like any misuse).
     *
     * @param code {@link io.ringtrace.codec.StatusCode} constant
     * @param message description (for {@code ERROR}); may be null
     * @return this
     */
    public Span status(int code, CharSequence message) {
        if (!StatusCode.isValid(code)) {
            return ignored();
        }
        if (recording && code != StatusCode.UNSET && record.statusCode() != StatusCode.OK) {
            record.status(code, code == StatusCode.ERROR ? message : null);
        }
        return this;
    }

    /** Misuse: counted (for a span of an engine; the no-op span has none) and otherwise ignored. */
    private Span ignored() {
        if (pool != null) {
            pool.spanCallIgnored();
        }
        return this;
    }

    /**
     * The underlying record, for what this class has no shortcut for (bytes and array attributes,
     * link attributes). Write to it only while the span is open and {@link #isRecording()}; for an
     * unsampled or no-op span the record is scratch space that is never exported. Unlike this
     * class's methods, the record throws on bad arguments ({@link SpanRecord}); a call it refuses
     * marks the span's fill as failed, and the span is then dropped at {@code end()}, counted as
     * {@link io.ringtrace.engine.export.DropReason#INVALID_SPAN}, rather than exported half-written.
     *
     * @return the span's record
     */
    public SpanRecord record() {
        return record;
    }

    // ------------------------------------------------------------------------------- ending

    /** Ends the span now: publishes it (if sampled) and returns this flyweight to its pool. */
    public void end() {
        end(0L);
    }

    /**
     * Ends the span at the given time. A second {@code end()} on a span already ended (and not
     * reused since) does nothing but count it ({@link EngineStats#repeatedEnds()}), as in the
     * OpenTelemetry API, so {@code try { ...; span.end(); } finally { span.end(); }} is safe.
     *
     * @param endEpochNanos end time in nanoseconds since the Unix epoch; 0 means now; a time before
     *     the span's start (a negative one included) ends it at its start
     */
    public void end(long endEpochNanos) {
        if (pool == null) {
            return; // the no-op span
        }
        if (!STATE.compareAndSet(this, OPEN, ENDING)) { // exactly one end() wins, from any thread
            pool.repeatedEnd();
            return;
        }
        if (recording) {
            recording = false;
            long end = endEpochNanos != 0 ? endEpochNanos : pool.clock.nowEpochNanos();
            // a span never ends before it starts: its record's start, which a caller may have set
            record.endEpochNanos(Math.max(end, record.startEpochNanos()));
            pool.publish(record);
        }
        pool.ended(this);
        if (startStack != null) {
            startStack = null; // leak-detector debug setting only: do not pin it past the span
        }
        STATE.setRelease(this, FREE); // last: the owner may reuse us only after the copy is done
    }

    // ------------------------------------------------------------------------------ context

    /**
     * @return this span's context (ids, flags, tracestate), for propagation (e.g.
     *     {@link W3cTraceContext#writeTraceParent(TraceContext, Appendable)}); do not modify it
     */
    public TraceContext context() {
        return context;
    }

    /** @return whether this span is sampled (will be exported) */
    public boolean isSampled() {
        return sampled;
    }

    /** @return whether recording calls take effect (open and sampled) */
    public boolean isRecording() {
        return recording;
    }

    /** @return whether the span has a valid context (false only for the no-op span) */
    public boolean isValid() {
        return context.isValid();
    }

    /** @return the high 8 bytes of the trace id */
    public long traceIdHigh() {
        return context.traceIdHigh;
    }

    /** @return the low 8 bytes of the trace id */
    public long traceIdLow() {
        return context.traceIdLow;
    }

    /** @return the span id */
    public long spanId() {
        return context.spanId;
    }

    /** @return the parent's span id, 0 for a root span */
    public long parentSpanId() {
        return parentSpanId;
    }

    /** @return the thread that started this span (whose pool owns this flyweight), null for no-op */
    public Thread ownerThread() {
        return pool == null ? null : pool.owner;
    }

    /** @return the start time in nanoseconds since the Unix epoch */
    public long startEpochNanos() {
        return startEpochNanos;
    }

    @Override
    public String toString() {
        return "Span{" + context + (sampled ? ", sampled" : ", not sampled") + "}";
    }
}
