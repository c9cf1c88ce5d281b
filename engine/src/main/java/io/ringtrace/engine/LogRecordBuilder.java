package io.ringtrace.engine;

import io.ringtrace.codec.InstrumentationScope;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.codec.Utf8Constant;

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
 * <p>Written at the claim: the timestamp and the observed timestamp (the engine's clock), the
 * severity number and text, the logger's scope and, with {@link LogEngineBuilder#traceEngine}, the
 * trace id, span id and flags of that engine's current span on this thread (replaced by {@link
 * #context(TraceContext)} or {@link #span(Span)}).
 */
public final class LogRecordBuilder {

    private final LogEngine engine;
    /** The claimed slot, or -1: nothing claimed, calls do nothing. */
    private long sequence = -1;
    /** The claimed slot's record (valid while {@link #sequence} is). */
    private LogRecordWriter record;

    LogRecordBuilder(LogEngine engine) {
        this.engine = engine;
    }

    /** Claims a slot (per the overload policy) and writes the record's defaults; owner thread only. */
    LogRecordBuilder begin(InstrumentationScope scope, int severity, Utf8Constant severityText) {
        if (sequence >= 0) {
            giveUp();
        }
        long claimed = engine.claimPerPolicy();
        if (claimed < 0) {
            return this; // counted by the claim (or disabled): the calls that follow do nothing
        }
        sequence = claimed;
        LogRecordWriter r = engine.record(claimed);
        record = r;
        long now = engine.nowEpochNanos();
        r.scope(scope).timestamp(now).observedTimestamp(now);
        if (severity != 0) {
            r.severityNumber(severity).severityText(severityText);
        }
        TraceEngine traces = engine.traceEngine();
        if (traces != null) {
            span(traces.currentSpan()); // the no-op span when none: then nothing is written
        }
        return this;
    }

    /** The previous record was never emitted: publish it as failed, so it is counted and never sent. */
    private void giveUp() {
        long abandoned = sequence;
        sequence = -1;
        engine.callIgnored();
        try {
            engine.abandon(abandoned);
        } finally {
            engine.publish(abandoned);
        }
    }

    private boolean open() {
        return sequence >= 0;
    }

    private boolean ignored() {
        if (open()) {
            engine.callIgnored();
        }
        return false;
    }

    /** @param value the body, encoded now (a reused {@code StringBuilder} is fine); not null @return this */
    public LogRecordBuilder body(CharSequence value) {
        if (open() && (value != null || ignored())) {
            record.body(value);
        }
        return this;
    }

    /** @param value the body @return this */
    public LogRecordBuilder body(long value) {
        if (open()) {
            record.body(value);
        }
        return this;
    }

    /** @param value the body @return this */
    public LogRecordBuilder body(double value) {
        if (open()) {
            record.body(value);
        }
        return this;
    }

    /** @param value the body @return this */
    public LogRecordBuilder body(boolean value) {
        if (open()) {
            record.body(value);
        }
        return this;
    }

    /** @param key pre-encoded; not null @param value encoded now; not null @return this */
    public LogRecordBuilder attribute(Utf8Constant key, CharSequence value) {
        if (open() && ((key != null && value != null) || ignored())) {
            record.attribute(key, value);
        }
        return this;
    }

    /** @param key pre-encoded; not null @param value the value @return this */
    public LogRecordBuilder attribute(Utf8Constant key, long value) {
        if (open() && (key != null || ignored())) {
            record.attribute(key, value);
        }
        return this;
    }

    /** @param key pre-encoded; not null @param value the value @return this */
    public LogRecordBuilder attribute(Utf8Constant key, double value) {
        if (open() && (key != null || ignored())) {
            record.attribute(key, value);
        }
        return this;
    }

    /** @param key pre-encoded; not null @param value the value @return this */
    public LogRecordBuilder attribute(Utf8Constant key, boolean value) {
        if (open() && (key != null || ignored())) {
            record.attribute(key, value);
        }
        return this;
    }

    /** @param name the OTLP {@code event_name}, pre-encoded; not null @return this */
    public LogRecordBuilder eventName(Utf8Constant name) {
        if (open() && (name != null || ignored())) {
            record.eventName(name);
        }
        return this;
    }

    /** @param epochNanos when the event occurred (default: at the claim), at least 0 @return this */
    public LogRecordBuilder timestamp(long epochNanos) {
        if (open() && (epochNanos >= 0 || ignored())) {
            record.timestamp(epochNanos);
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
            if (context.isValid()) {
                record.traceId(context.traceIdHigh(), context.traceIdLow()).spanId(context.spanId())
                        .traceFlags(context.traceFlags() & 0xFF);
            } else {
                record.traceId(0, 0).spanId(0).traceFlags(0);
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
        return open() ? record : null;
    }

    /** Publishes the record. Once per record: a second call does nothing. */
    public void emit() {
        if (open()) {
            long claimed = sequence;
            sequence = -1;
            engine.publish(claimed);
        }
    }

    @Override
    public String toString() {
        return open() ? "LogRecordBuilder{slot " + sequence + "}" : "LogRecordBuilder{no record}";
    }
}
