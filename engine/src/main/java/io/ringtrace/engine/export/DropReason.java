package io.ringtrace.engine.export;

/** Why spans were lost. Every lost span is counted under exactly one reason. */
public enum DropReason {
    /** The ring was full and the producer's overload policy is {@code DROP}. */
    RING_FULL,
    /** A thread had too many open spans and its span flyweight pool was exhausted. */
    POOL_EXHAUSTED,
    /** A single span was larger than the maximum request size and can never be sent. */
    SPAN_TOO_LARGE,
    /**
     * A ring slot was published without valid ids (all-zero trace id or span id) or otherwise could
     * not be encoded: a bug in the code that filled it, through the ring API.
     */
    INVALID_SPAN,
    /** The engine was closing, and the span could not be exported before the close deadline. */
    SHUTDOWN,
    /** The export failed with a non-retryable error, or the retries were exhausted. */
    EXPORT_FAILED,
    /** The receiver accepted the request but rejected these spans ({@code partial_success}). */
    REJECTED
}
