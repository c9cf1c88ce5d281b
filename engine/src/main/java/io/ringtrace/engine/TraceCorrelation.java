package io.ringtrace.engine;

import io.ringtrace.codec.LogRecordWriter;
import java.util.Objects;

/**
 * Where a log record's trace context comes from: writes the trace id, span id and trace flags of
 * the span that is current on the calling thread into a claimed log record. A {@link LogEngine}
 * asks its source for every record of the logger API ({@link LogEngineBuilder#correlation}), and
 * an appender on the ring API asks through {@link LogEngine#correlate}. ringtrace's own span API is
 * one source ({@link #currentSpanOf(TraceEngine)}); the interop module provides one that reads
 * OpenTelemetry's current span, so the engine itself needs no OpenTelemetry dependency.
 *
 * <p>Contract for implementations: called on the thread that emits the record, once per record,
 * between the claim and the publish of its slot. It must not block and should not allocate (it runs
 * on the hot path of every record); it writes all three of trace id, span id and flags, or
 * nothing. An exception it throws is caught by the engine, counted as an ignored call, and the
 * record is published without (or with partial) correlation.
 */
@FunctionalInterface
public interface TraceCorrelation {

    /**
     * Writes the current span's trace id, span id and trace flags into {@code record}, if there is
     * a current span (a valid one: non-zero ids); otherwise leaves the record as it is.
     *
     * @param record a claimed slot's record, not null
     * @return true if ids were written, false if there was no current span
     */
    boolean correlate(LogRecordWriter record);

    /**
     * @param other the source to ask when this one finds no current span, not null
     * @return a source that asks this one first, then {@code other}
     */
    default TraceCorrelation orElse(TraceCorrelation other) {
        Objects.requireNonNull(other, "other");
        TraceCorrelation first = this;
        return record -> first.correlate(record) || other.correlate(record);
    }

    /** @return a source that never finds a span */
    static TraceCorrelation none() {
        return record -> false;
    }

    /**
     * The span API's current span: the innermost span open on the calling thread through {@code
     * engine}'s tracers. Allocation-free.
     *
     * @param engine the span engine, not null
     * @return the source
     */
    static TraceCorrelation currentSpanOf(TraceEngine engine) {
        Objects.requireNonNull(engine, "engine");
        return record -> LogEngine.writeIds(record, engine.currentSpan().context()); // no-op span when none: not valid
    }
}
