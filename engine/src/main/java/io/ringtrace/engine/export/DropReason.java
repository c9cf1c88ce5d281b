package io.ringtrace.engine.export;

/**
 * Why spans (or log records, or data points) were lost. Every lost item is counted under exactly
 * one reason; the names say span, and a log engine uses them for its records as they read.
 */
public enum DropReason {
    /** The ring was full and the producer's overload policy is {@code DROP}. */
    RING_FULL,
    /** A thread had too many open spans and its span flyweight pool was exhausted. */
    POOL_EXHAUSTED,
    /** A single span was larger than the maximum request size and can never be sent. */
    SPAN_TOO_LARGE,
    /**
     * A span that is not valid, never exported half-written: a ring slot whose fill failed (a {@code
     * SpanRecord} setter threw), or published without valid ids (all-zero trace id or span id) or
     * without positive start and end times, or whose record is inconsistent (ring-API misuse, e.g.
     * writing through {@code record(seq)} after publishing); or a span-API span on whose raw record
     * a call threw. A bug in the code that filled it.
     */
    INVALID_SPAN,
    /** The engine was closing, and the span could not be exported before the close deadline. */
    SHUTDOWN,
    /** The export failed with a non-retryable error, or the retries were exhausted. */
    EXPORT_FAILED,
    /** The receiver accepted the request but rejected these spans ({@code partial_success}). */
    REJECTED,
    /**
     * The exporter's on-disk spool was full: the oldest records made room for newer ones, or a new
     * record was refused, per the spool's policy when full.
     */
    SPOOL_FULL,
    /** A record stayed in the exporter's on-disk spool longer than its maximum age. */
    SPOOL_EXPIRED,
    /**
     * The exporter's on-disk spool could not write the request: the disk is full, the process's
     * file-size limit was reached, or another I/O error. The spool then stays out of the way for a
     * while and the exporter behaves as without one.
     */
    SPOOL_IO_ERROR
}
