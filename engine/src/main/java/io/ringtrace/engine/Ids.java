package io.ringtrace.engine;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Random trace and span ids, as the OpenTelemetry specification requires them: a trace id is 16
 * random bytes, a span id 8 random bytes, and neither is ever all zero.
 *
 * <p>Uses {@link ThreadLocalRandom}: each thread has its own SplittableRandom-style generator
 * (seeded once per thread, no shared state, no locking), so generating an id allocates nothing and
 * never contends with another thread. The ids are not cryptographically secure, which OpenTelemetry
 * does not require (its SDK's default generator uses the same source). The low 7 bytes of every trace
 * id are random, as the W3C Trace Context Level 2 "random" flag promises.
 */
public final class Ids {

    /** The invalid (all-zero) span id, and the parent span id of a root span. */
    public static final long INVALID_SPAN_ID = 0L;

    private Ids() {}

    /**
     * @return a random span id, never {@link #INVALID_SPAN_ID}
     */
    public static long randomSpanId() {
        ThreadLocalRandom random = ThreadLocalRandom.current(); // per-thread state: no allocation, no contention
        long id;
        do {
            id = random.nextLong();
        } while (id == INVALID_SPAN_ID);
        return id;
    }

    /**
     * @return the high 8 bytes of a new random trace id (may be zero: the id is valid because its
     *     low half never is)
     */
    public static long randomTraceIdHigh() {
        return ThreadLocalRandom.current().nextLong();
    }

    /**
     * @return the low 8 bytes of a new random trace id, never zero, so {@code (randomTraceIdHigh(),
     *     randomTraceIdLow())} is always a valid trace id
     */
    public static long randomTraceIdLow() {
        return randomSpanId(); // same rule: 8 random bytes, not all zero
    }

    /**
     * @param traceIdHigh high 8 bytes
     * @param traceIdLow low 8 bytes
     * @return whether the trace id is valid (not all zero)
     */
    public static boolean isValidTraceId(long traceIdHigh, long traceIdLow) {
        return (traceIdHigh | traceIdLow) != 0;
    }

    /**
     * @param spanId a span id
     * @return whether it is valid (not zero)
     */
    public static boolean isValidSpanId(long spanId) {
        return spanId != INVALID_SPAN_ID;
    }
}
