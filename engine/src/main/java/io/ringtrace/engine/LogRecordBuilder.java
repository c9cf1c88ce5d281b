package io.ringtrace.engine;

import io.ringtrace.codec.LogRecordStart;
import io.ringtrace.codec.LogRecordTail;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.codec.Utf8Constant;
import java.lang.ref.WeakReference;

/**
 * One thread's logger API flyweight: the log record being written, in place, into the ring slot
 * claimed by {@link Logger#atInfo()} (or another level) and published by {@link #emit()}. One per
 * thread and engine, reused for every record: use it within one statement ({@code
 * logger.atInfo().body(m).attribute(K, v).emit()}) and keep no reference to it.
 *
 * <p>Never throws on misuse and never blocks (under {@code DROP}): a null key or value, a negative
 * time, a call after {@code emit()} is ignored and counted ({@link EngineStats#ignoredSpanCalls()}).
 * When no slot could be claimed (ring full under {@code DROP}: counted {@code RING_FULL}; engine
 * closed or disabled) every call does nothing. A record begun on this thread while the previous
 * one was not emitted (e.g. a log call inside an argument of another) gives the previous one up:
 * published as failed, counted {@code INVALID_SPAN}, never sent half-written. Forgetting {@link
 * #emit()} holds the slot, and every record behind it, until this thread's next record.
 *
 * <p>Written at the claim: the logger's scope, the severity number and text (one block copy of the
 * logger's prepared start for the level), the timestamp and the observed timestamp (one reading of
 * the engine's clock, taken at the call before the claim, so that a record that waits for room
 * under {@code BLOCK} carries the time it was made; {@link #timestamp(long)} replaces the time
 * only) and, with {@link LogEngineBuilder#traceEngine} (or a
 * {@link LogEngineBuilder#correlation} source), the
 * trace id, span id and flags of that engine's current span on this thread (replaced by {@link
 * #context(TraceContext)} or {@link #span(Span)}).
 */
public final class LogRecordBuilder {

    /**
     * Weak: the builder is the value of a thread-local entry, so a strong reference would keep a
     * closed engine (and its ring) alive as long as a pooled thread that logged once. While a record
     * is open its {@link Logger}'s caller holds the engine. Only a long is stored per record (no
     * reference store, no GC card mark); the slot's record is looked up by its sequence.
     */
    private final WeakReference<LogEngine> engine;
    /** The claimed slot, or -1: nothing claimed, calls do nothing. */
    private long sequence = -1;
    /**
     * This thread's span pool of the engine's span engine (taken at the first record, then kept: no
     * thread-local lookup per record), or null when the engine has none. The pool holds its span
     * engine weakly, as this builder holds its log engine.
     */
    private SpanPool spans;
    /**
     * The open record's end while the usual appends fill it: its body and attributes bookkeeping is
     * kept here, not in the slot's header, until {@link #slot()} or {@link #emit()} closes it.
     */
    private final LogRecordTail tail;

    LogRecordBuilder(LogEngine engine) {
        this.engine = new WeakReference<>(engine);
        this.tail = new LogRecordTail(engine.slotArea); // the engine releases the slots when it closes
    }

    /**
     * Claims a slot of {@code logs} (per its overload policy) and starts the record in it from
     * {@code start}: one block copy of the prepared header (scope, severity), {@code now} as the
     * time and the observed time, and the current span's ids; owner thread only. The claim does
     * not clean the slot: the start overwrites its header.
     *
     * @param now the engine's clock, read by the caller before anything else (see {@link Logger})
     */
    LogRecordBuilder begin(LogEngine logs, LogRecordStart start, long now) {
        if (sequence >= 0) {
            giveUp(logs);
        }
        long claimed = logs.ring.claimUncleaned();
        if (claimed < 0) {
            return this; // counted by the claim (or disabled): the calls that follow do nothing
        }
        sequence = claimed;
        LogRecordWriter r = logs.ring.claimedRecord(claimed);
        r.start(start, now, tail); // observed as it is made: the caller may replace the time
        TraceEngine traces = logs.traceEngine();
        if (spans == null && traces != null && !traces.isClosed()) {
            spans = traces.pool(); // once per thread and engine (a closed span engine has no current span)
        }
        if (logs.correlates) {
            logs.correlate(r, spans); // the current span's ids, if there is a span
        }
        return this;
    }

    /** Sets a severity number between the levels' (INFO2 and the like), keeping the level's text; owner thread only. */
    LogRecordBuilder severityNumber(int number) {
        if (open()) {
            header().severityNumber(number);
        }
        return this;
    }

    /** The previous record was never emitted: publish it as failed, so it is counted and never sent. */
    private void giveUp(LogEngine logs) {
        tail.close();
        long abandoned = sequence;
        sequence = -1;
        logs.callIgnored();
        try {
            logs.abandon(abandoned);
        } finally {
            logs.publish(abandoned);
        }
    }

    private boolean open() {
        return sequence >= 0;
    }

    /**
     * @return the open record, its header complete: the tail is closed first, so the record's own
     *     setters take over (call only when {@link #open()})
     */
    private LogRecordWriter slot() {
        tail.close();
        return header();
    }

    /**
     * @return the open record, for a setter of a fixed header field that the tail does not hold
     *     (time, severity number, trace context): the tail stays open (call only when {@link #open()})
     */
    private LogRecordWriter header() {
        return engine.get().ring.claimedRecord(sequence); // reachable: the caller's Logger holds the engine
    }

    private boolean ignored() {
        if (open()) {
            engine.get().callIgnored();
        }
        return false;
    }

    /** @param value the body, encoded now (a reused {@code StringBuilder} is fine); not null @return this */
    public LogRecordBuilder body(CharSequence value) {
        if (tail.body(value)) {
            return this; // the usual body: an empty record's short ASCII text (the tail is open only while a record is)
        }
        if (open() && (value != null || ignored())) {
            slot().body(value);
        }
        return this;
    }

    /** @param value the body @return this */
    public LogRecordBuilder body(long value) {
        if (open()) {
            slot().body(value);
        }
        return this;
    }

    /** @param value the body @return this */
    public LogRecordBuilder body(double value) {
        if (open()) {
            slot().body(value);
        }
        return this;
    }

    /** @param value the body @return this */
    public LogRecordBuilder body(boolean value) {
        if (open()) {
            slot().body(value);
        }
        return this;
    }

    /** @param key pre-encoded; not null @param value encoded now; not null @return this */
    public LogRecordBuilder attribute(Utf8Constant key, CharSequence value) {
        if (key != null && tail.attribute(key, value)) {
            return this; // the usual attribute: a new key, a short ASCII text, within the limits
        }
        if (open() && ((key != null && value != null) || ignored())) {
            slot().attribute(key, value);
        }
        return this;
    }

    /** @param key pre-encoded; not null @param value the value @return this */
    public LogRecordBuilder attribute(Utf8Constant key, long value) {
        if (key != null && tail.attribute(key, value)) {
            return this; // the usual attribute: a new key within the limits
        }
        if (open() && (key != null || ignored())) {
            slot().attribute(key, value);
        }
        return this;
    }

    /** @param key pre-encoded; not null @param value the value @return this */
    public LogRecordBuilder attribute(Utf8Constant key, double value) {
        if (key != null && tail.attribute(key, value)) {
            return this; // the usual attribute: a new key within the limits
        }
        if (open() && (key != null || ignored())) {
            slot().attribute(key, value);
        }
        return this;
    }

    /** @param key pre-encoded; not null @param value the value @return this */
    public LogRecordBuilder attribute(Utf8Constant key, boolean value) {
        if (key != null && tail.attribute(key, value)) {
            return this; // the usual attribute: a new key within the limits
        }
        if (open() && (key != null || ignored())) {
            slot().attribute(key, value);
        }
        return this;
    }

    /** @param name the OTLP {@code event_name}, pre-encoded; not null @return this */
    public LogRecordBuilder eventName(Utf8Constant name) {
        if (open() && (name != null || ignored())) {
            slot().eventName(name);
        }
        return this;
    }

    /** @param epochNanos when the event occurred (default: at the claim), at least 0 @return this */
    public LogRecordBuilder timestamp(long epochNanos) {
        if (open() && (epochNanos >= 0 || ignored())) {
            header().timestamp(epochNanos);
        }
        return this;
    }

    /**
     * @param context the trace context to correlate with (replaces the current span's); an invalid
     *     one clears the ids; not null
     * @return this
     */
    public LogRecordBuilder context(TraceContext context) {
        if (open() && (context != null || ignored())) {
            LogRecordWriter r = header();
            if (!LogEngine.writeIds(r, context)) {
                r.traceId(0, 0).spanId(0).traceFlags(0);
            }
        }
        return this;
    }

    /** @param span the span to correlate with (replaces the current span's); not null @return this */
    public LogRecordBuilder span(Span span) {
        if (open() && (span != null || ignored())) {
            if (span.isValid()) {
                context(span.context());
            }
        }
        return this;
    }

    /**
     * @return the claimed slot's record, for what this builder has no method for (array bodies,
     *     bytes, more attribute kinds); null when nothing was claimed. Its setters throw on bad input
     *     (and mark the record failed: it is then dropped, counted {@code INVALID_SPAN}). Valid until
     *     {@link #emit()}
     */
    public LogRecordWriter record() {
        return open() ? slot() : null;
    }

    /** Publishes the record. Once per record: a second call does nothing. */
    public void emit() {
        if (open()) {
            tail.close();
            long claimed = sequence;
            sequence = -1;
            engine.get().ring.publishClaimed(claimed); // this builder held it and forgot it first: no misuse checks
        }
    }

    @Override
    public String toString() {
        return open() ? "LogRecordBuilder{slot " + sequence + "}" : "LogRecordBuilder{no record}";
    }
}
