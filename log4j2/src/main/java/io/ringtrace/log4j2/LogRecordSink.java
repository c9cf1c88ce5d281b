package io.ringtrace.log4j2;

import io.ringtrace.codec.LogLimits;
import io.ringtrace.codec.LogRecordWriter;
import io.ringtrace.engine.EngineStats;

/**
 * Where the appender writes its records: a ring of log slots with the claim, fill, publish
 * protocol. {@link #claim()} hands out a slot (or a negative code, the loss counted by the sink),
 * {@link #record(long)} is its writer, reset, and {@link #publish(long)} (always, in {@code
 * finally}) hands it on; a record whose fill failed is dropped and counted there, never sent
 * half-written.
 */
interface LogRecordSink {

    /**
     * @return the claimed sequence, or a negative code if no slot was given (ring full under the
     *     drop policy, closed, disabled): the sink counted the loss
     */
    long claim();

    /** @param sequence a claimed sequence @return its record, reset */
    LogRecordWriter record(long sequence);

    /** @param sequence a claimed sequence, filled (or failed) */
    void publish(long sequence);

    /**
     * Puts the ids of the sink's own current span, if it has a span engine and a span is open on this
     * thread, into the record; otherwise leaves it as it is.
     *
     * @param record a claimed record
     */
    void correlate(LogRecordWriter record);

    /** @return the limits of the sink's records */
    LogLimits limits();

    /**
     * @param into the snapshot to fill
     * @return {@code into}, filled with the sink's counters (published, exported, dropped by reason)
     */
    EngineStats stats(EngineStats into);

    /**
     * Exports what was published and releases the sink, within {@code timeoutMillis}.
     *
     * @param timeoutMillis the most time to take
     * @return whether everything was exported in time
     */
    boolean close(long timeoutMillis);
}
